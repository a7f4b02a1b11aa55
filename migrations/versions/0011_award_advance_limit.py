"""award advance limit: advances become an explicit term of the award

Revision ID: 0011_award_advance_limit
Revises: 0010_exchange_rates
Create Date: 2026-11-27 22:40:00.000000

Until now advances were allowed unless the risk assessment proposed the "no advance" condition.
Awards that already received an advance keep that possibility up to their amount; every other
award starts with no advance (the grants manager sets a limit in the terms).
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_award_advance_limit'
down_revision = '0010_exchange_rates'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advance_limit', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_awards_advance_within_amount'),
            'advance_limit IS NULL OR (advance_limit > 0 AND advance_limit <= amount)',
        )
    op.execute(
        "UPDATE awards SET advance_limit = amount WHERE id IN"
        " (SELECT award_id FROM disbursements WHERE kind = 'advance')"
    )


def downgrade() -> None:
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_awards_advance_within_amount'), type_='check')
        batch_op.drop_column('advance_limit')
