"""exchange rates

Revision ID: 0010_exchange_rates
Revises: 0009_reminders
Create Date: 2026-11-27 22:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import portal.core.db


revision = '0010_exchange_rates'
down_revision = '0009_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base', sa.String(length=3), nullable=False),
    sa.Column('quote', sa.String(length=3), nullable=False),
    sa.Column('rate_on', sa.Date(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=14, scale=6), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_dt', portal.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("base IN ('MXN', 'USD') AND quote IN ('MXN', 'USD') AND base != quote", name=op.f('ck_exchange_rates_pair_known')),
    sa.CheckConstraint("source IN ('banxico_fix', 'bank', 'dof', 'other')", name=op.f('ck_exchange_rates_source_known')),
    sa.CheckConstraint('rate > 0', name=op.f('ck_exchange_rates_rate_positive')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_exchange_rates_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('base', 'quote', 'rate_on', name=op.f('uq_exchange_rates_base_quote_rate_on'))
    )


def downgrade() -> None:
    op.drop_table('exchange_rates')
