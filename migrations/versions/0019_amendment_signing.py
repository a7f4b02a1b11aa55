"""amendment signing: the amendment document, its signatures and the version chain (issue 15)

Revision ID: 0019_amendment_signing
Revises: 0018_amendment_bank
Create Date: 2026-12-06 10:50:00.000000

Approval produces an amendment document that both parties sign; only the countersignature puts
the change in effect. New statuses ``signed_by_grantee`` and ``in_effect`` (the status and
decision checks are rebuilt), and two tables like the agreement's: ``amendment_documents``
(content, the previous version's hash, PDFs) and ``amendment_signatures``.
"""

from alembic import op
import sqlalchemy as sa

import portal.core.db


revision = '0019_amendment_signing'
down_revision = '0018_amendment_bank'
branch_labels = None
depends_on = None

STATUSES_OLD = (
    "'draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'withdrawn', "
    "'pending_second_approval'"
)
STATUSES_NEW = (
    "'draft', 'submitted', 'pending_second_approval', 'changes_requested', 'approved', "
    "'signed_by_grantee', 'in_effect', 'rejected', 'withdrawn'"
)
DECIDED_OLD = "'approved', 'rejected'"
DECIDED_NEW = "'approved', 'signed_by_grantee', 'in_effect', 'rejected'"


def _checks(statuses: str, decided: str) -> None:
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_amendments_status_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_amendments_decision_recorded'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_amendments_status_known'), f"status IN ({statuses})"
        )
        batch_op.create_check_constraint(
            op.f('ck_amendments_decision_recorded'),
            f"status NOT IN ({decided}) "
            "OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
        )


def upgrade() -> None:
    _checks(STATUSES_NEW, DECIDED_NEW)
    op.create_table(
        'amendment_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('amendment_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('previous_hash', sa.String(length=64), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('file_sha256', sa.String(length=64), nullable=True),
        sa.Column('signed_content_hash', sa.String(length=64), nullable=True),
        sa.Column('signed_document_id', sa.Integer(), nullable=True),
        sa.Column('signed_file_sha256', sa.String(length=64), nullable=True),
        sa.Column('frozen', sa.Boolean(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=False),
        sa.Column('issued_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "language IN ('es', 'en', 'bilingual')",
            name=op.f('ck_amendment_documents_language_known'),
        ),
        sa.ForeignKeyConstraint(
            ['amendment_id'],
            ['amendments.id'],
            name=op.f('fk_amendment_documents_amendment_id_amendments'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['document_id'],
            ['documents.id'],
            name=op.f('fk_amendment_documents_document_id_documents'),
        ),
        sa.ForeignKeyConstraint(
            ['issued_by_id'], ['users.id'], name=op.f('fk_amendment_documents_issued_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['signed_document_id'],
            ['documents.id'],
            name=op.f('fk_amendment_documents_signed_document_id_documents'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_documents')),
        sa.UniqueConstraint('amendment_id', name=op.f('uq_amendment_documents_amendment_id')),
    )
    for column in ('content_hash', 'file_sha256', 'signed_content_hash', 'signed_file_sha256'):
        op.create_index(
            op.f(f'ix_amendment_documents_{column}'), 'amendment_documents', [column]
        )
    op.create_table(
        'amendment_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('typed_name', sa.String(length=200), nullable=False),
        sa.Column('signed_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ip_address', sa.String(length=64), nullable=True),
        sa.Column('user_agent', sa.String(length=400), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "role IN ('grantee', 'programme')", name=op.f('ck_amendment_signatures_role_known')
        ),
        sa.ForeignKeyConstraint(
            ['version_id'],
            ['amendment_documents.id'],
            name=op.f('fk_amendment_signatures_version_id_amendment_documents'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_amendment_signatures_user_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_signatures')),
        sa.UniqueConstraint(
            'version_id',
            'role',
            name=op.f('uq_amendment_signatures_version_id_role'),
        ),
    )


def downgrade() -> None:
    op.drop_table('amendment_signatures')
    for column in ('content_hash', 'file_sha256', 'signed_content_hash', 'signed_file_sha256'):
        op.drop_index(op.f(f'ix_amendment_documents_{column}'), table_name='amendment_documents')
    op.drop_table('amendment_documents')
    op.execute(
        "UPDATE amendments SET status = 'approved' WHERE status IN ('signed_by_grantee', 'in_effect')"
    )
    _checks(STATUSES_OLD, DECIDED_OLD)
