"""panel reviews due: the day by which a panel's reviews are due

Revision ID: 0014_panel_reviews_due
Revises: 0013_audit_checks
Create Date: 2026-12-06 10:40:00.000000

Grants managers may set the calendar day by which reviews are due; reviewers see it on their
home page with the tasks it applies to, overdue once it has passed. Existing panels keep none.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_panel_reviews_due'
down_revision = '0013_audit_checks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_panels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviews_due', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('review_panels', schema=None) as batch_op:
        batch_op.drop_column('reviews_due')
