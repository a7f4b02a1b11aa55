"""award budget lines: a grant's budget by category, written by budget realignments

Revision ID: 0020_award_budget
Revises: 0019_amendment_signing
Create Date: 2026-12-06 11:45:00.000000

One row per award and budget category once a realignment takes effect; before that the grant's
budget is its application's lines.
"""

from alembic import op
import sqlalchemy as sa


revision = '0020_award_budget'
down_revision = '0019_amendment_signing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'award_budget_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2, asdecimal=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('personnel', 'equipment', 'travel', 'services', 'supplies', 'other')",
            name=op.f('ck_award_budget_lines_category_known'),
        ),
        sa.CheckConstraint('amount >= 0', name=op.f('ck_award_budget_lines_amount_not_negative')),
        sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_award_budget_lines_award_id_awards'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_award_budget_lines')),
        sa.UniqueConstraint('award_id', 'category', name=op.f('uq_award_budget_lines_award_id_category')),
    )
    op.create_index(op.f('ix_award_budget_lines_award_id'), 'award_budget_lines', ['award_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_award_budget_lines_award_id'), table_name='award_budget_lines')
    op.drop_table('award_budget_lines')
