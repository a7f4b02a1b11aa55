"""finance summaries: per-award running totals of the ledger and co-finance (issue 18)

``award_finance_summaries`` holds, per award, the net disbursed, the refunds, the co-finance
committed and the contributions by kind and status; the finance operations keep it up to date
in the same transaction (``portal.finance.summaries``). The upgrade fills it from the ledger.

Revision ID: 0027_finance_summaries
Revises: 0026_score_summaries
Create Date: 2026-12-06 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_finance_summaries"
down_revision = "0026_score_summaries"
branch_labels = None
depends_on = None

AMOUNTS = (
    "disbursed",
    "refunded",
    "committed_cost_share",
    "committed_leverage",
    "cost_share_reported",
    "cost_share_verified",
    "cost_share_rejected",
    "leverage_reported",
    "leverage_verified",
    "leverage_rejected",
)

BACKFILL = """
INSERT INTO award_finance_summaries (award_id, {columns})
SELECT a.id,
  COALESCE((SELECT SUM(d.award_amount) FROM disbursements d WHERE d.award_id = a.id), 0),
  -COALESCE((SELECT SUM(d.award_amount) FROM disbursements d
             WHERE d.award_id = a.id AND d.kind = 'refund'), 0),
  COALESCE((SELECT SUM(k.amount) FROM award_cofinance_commitments k
            WHERE k.award_id = a.id AND k.counts_as = 'cost_share'), 0),
  COALESCE((SELECT SUM(k.amount) FROM award_cofinance_commitments k
            WHERE k.award_id = a.id AND k.counts_as = 'leverage'), 0),
  {contributions}
FROM awards a
WHERE EXISTS (SELECT 1 FROM disbursements d WHERE d.award_id = a.id)
   OR EXISTS (SELECT 1 FROM award_cofinance_commitments k WHERE k.award_id = a.id)
   OR EXISTS (SELECT 1 FROM cofinance_contributions c WHERE c.award_id = a.id)
"""

CONTRIBUTION = (
    "COALESCE((SELECT SUM(c.amount) FROM cofinance_contributions c WHERE c.award_id = a.id"
    " AND c.counts_as = '{kind}' AND c.status = '{status}'), 0)"
)


def upgrade() -> None:
    money = sa.Numeric(precision=14, scale=2)
    op.create_table(
        "award_finance_summaries",
        sa.Column("award_id", sa.Integer(), nullable=False),
        *(sa.Column(name, money, server_default="0", nullable=False) for name in AMOUNTS),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_award_finance_summaries_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("award_id", name=op.f("pk_award_finance_summaries")),
    )
    contributions = ",\n  ".join(
        CONTRIBUTION.format(kind=kind, status=status)
        for kind in ("cost_share", "leverage")
        for status in ("reported", "verified", "rejected")
    )
    op.execute(BACKFILL.format(columns=", ".join(AMOUNTS), contributions=contributions))


def downgrade() -> None:
    op.drop_table("award_finance_summaries")
