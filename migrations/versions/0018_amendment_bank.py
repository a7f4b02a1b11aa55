"""amendment bank accounts: the account a grant's payments go to after a bank account change

Revision ID: 0018_amendment_bank
Revises: 0017_amendment_amounts
Create Date: 2026-12-06 11:30:00.000000

One row per award, set when a bank account change takes effect: held (every payment refused)
until a finance officer verifies it.
"""

from alembic import op
import sqlalchemy as sa

import portal.core.db


revision = '0018_amendment_bank'
down_revision = '0017_amendment_amounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'award_bank_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=False),
        sa.Column('clabe', sa.String(length=18), nullable=False),
        sa.Column('holder_name', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('amendment_id', sa.Integer(), nullable=True),
        sa.Column('changed_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('verified_dt', portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('held', 'verified')", name=op.f('ck_award_bank_accounts_status_known')),
        sa.CheckConstraint(
            "status != 'verified' OR (verified_by_id IS NOT NULL AND verified_dt IS NOT NULL)",
            name=op.f('ck_award_bank_accounts_verification_recorded'),
        ),
        sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], name=op.f('fk_award_bank_accounts_amendment_id_amendments'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_award_bank_accounts_award_id_awards'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_award_bank_accounts_verified_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_award_bank_accounts')),
        sa.UniqueConstraint('award_id', name=op.f('uq_award_bank_accounts_award_id')),
    )
    op.create_index(op.f('ix_award_bank_accounts_status'), 'award_bank_accounts', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_award_bank_accounts_status'), table_name='award_bank_accounts')
    op.drop_table('award_bank_accounts')
