"""question number limits: number and money questions get a minimum and a maximum

Revision ID: 0012_question_number_limits
Revises: 0011_award_advance_limit
Create Date: 2026-12-06 07:30:00.000000

Staff may set the smallest and largest answer a number or money question accepts. Existing
questions keep both empty: their answers then lie between 0 and the kind's ceiling (see
``portal.calls.rules.number_bounds``), so negative answers are refused from now on.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_question_number_limits'
down_revision = '0011_award_advance_limit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('call_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_value', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('max_value', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_call_questions_limits_only_for_numbers'),
            "kind IN ('number', 'money') OR (min_value IS NULL AND max_value IS NULL)",
        )
        batch_op.create_check_constraint(
            op.f('ck_call_questions_min_not_above_max'),
            'min_value IS NULL OR max_value IS NULL OR min_value <= max_value',
        )


def downgrade() -> None:
    with op.batch_alter_table('call_questions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_call_questions_min_not_above_max'), type_='check')
        batch_op.drop_constraint(op.f('ck_call_questions_limits_only_for_numbers'), type_='check')
        batch_op.drop_column('max_value')
        batch_op.drop_column('min_value')
