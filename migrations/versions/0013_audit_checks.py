"""audit checks: each verification of the hash chain is kept

Revision ID: 0013_audit_checks
Revises: 0012_question_number_limits
Create Date: 2026-12-06 10:15:00.000000

``flask audit verify`` and the administrators' "check now" record their result, so the
administrators' home page can show when the chain was last checked and whether it held.
"""

from alembic import op
import sqlalchemy as sa

import portal.core.db


revision = '0013_audit_checks'
down_revision = '0012_question_number_limits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('entries', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=True),
        sa.Column('problem', sa.String(length=500), nullable=True),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('ok OR problem IS NOT NULL', name=op.f('ck_audit_checks_problem_named')),
        sa.ForeignKeyConstraint(
            ['checked_by_id'], ['users.id'], name=op.f('fk_audit_checks_checked_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checks')),
    )
    op.create_index(op.f('ix_audit_checks_checked_dt'), 'audit_checks', ['checked_dt'])


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_checks_checked_dt'), table_name='audit_checks')
    op.drop_table('audit_checks')
