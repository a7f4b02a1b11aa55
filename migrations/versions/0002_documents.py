"""documents: stored files attached to owner objects, with versions

Revision ID: 0002_documents
Revises: 0001_foundation
Create Date: 2026-11-27 19:29:53.145053
"""

from alembic import op
import sqlalchemy as sa
import portal.core.db


revision = '0002_documents'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=60), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('storage_backend', sa.String(length=10), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('quarantine_key', sa.String(length=200), nullable=False),
    sa.Column('declared_type', sa.String(length=100), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rejection_code', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('created_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finalized_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'clean' AND version IS NOT NULL) OR (status != 'clean' AND version IS NULL)", name=op.f('ck_documents_version_iff_clean')),
    sa.CheckConstraint("deleted_dt IS NULL OR status = 'clean'", name=op.f('ck_documents_only_clean_deleted')),
    sa.CheckConstraint("status != 'clean' OR (sha256 IS NOT NULL AND size IS NOT NULL AND size > 0 AND content_type IS NOT NULL AND finalized_dt IS NOT NULL)", name=op.f('ck_documents_clean_is_verified')),
    sa.CheckConstraint("status != 'rejected' OR rejection_code IS NOT NULL", name=op.f('ck_documents_rejected_why')),
    sa.CheckConstraint("status IN ('pending', 'clean', 'rejected')", name=op.f('ck_documents_status_known')),
    sa.CheckConstraint("storage_backend IN ('local', 's3')", name=op.f('ck_documents_backend_known')),
    sa.CheckConstraint('size IS NULL OR size >= 0', name=op.f('ck_documents_size_non_negative')),
    sa.CheckConstraint('version IS NULL OR version >= 1', name=op.f('ck_documents_version_positive')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_documents_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_documents_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('owner_type', 'owner_id', 'slot', 'version', name=op.f('uq_documents_owner_type_owner_id_slot_version')),
    sa.UniqueConstraint('quarantine_key', name=op.f('uq_documents_quarantine_key')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_documents_storage_key'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_documents_owner', ['owner_type', 'owner_id', 'slot'], unique=False)
        batch_op.create_index('ix_documents_status_created', ['status', 'created_dt'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_status_created')
        batch_op.drop_index('ix_documents_owner')
        batch_op.drop_index(batch_op.f('ix_documents_organisation_id'))

    op.drop_table('documents')
