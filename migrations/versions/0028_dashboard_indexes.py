"""dashboard indexes: applications by status across calls (issue 18)

The staff home pages count the applications in one status in every call (submitted ones to
screen, ones under review without a consensus); ``ix_applications_call_status`` leads with the
call, so those counts read the whole table. At 10,000 applications the count of the 1,000
submitted ones went from ~5.6 ms (sequential scan) to ~0.6 ms (bitmap scan of this index).

Revision ID: 0028_dashboard_indexes
Revises: 0027_finance_summaries
Create Date: 2026-12-06 20:50:00
"""

from alembic import op

revision = "0028_dashboard_indexes"
down_revision = "0027_finance_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_applications_status_call", "applications", ["status", "call_id"])


def downgrade() -> None:
    op.drop_index("ix_applications_status_call", table_name="applications")
