"""score summaries: one maintained row per application for the ranking (issue 18)

Creates ``application_score_summaries`` and backfills it for every call that has a review or
a consensus, with the same computation the application uses to maintain it
(``portal.reviews.summaries.refresh_call``, Core statements on this migration's connection).

Revision ID: 0026_score_summaries
Revises: 0025_account_security
Create Date: 2026-12-06 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_score_summaries"
down_revision = "0025_account_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application_score_summaries",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("grp", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("tie_score", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "grp IN (0, 1, 2)", name=op.f("ck_application_score_summaries_grp_known")
        ),
        sa.CheckConstraint(
            "(grp = 2) = (score IS NULL)",
            name=op.f("ck_application_score_summaries_scored_iff_score"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_score_summaries_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_application_score_summaries_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_application_score_summaries")),
    )
    with op.batch_alter_table("application_score_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_score_summaries_call_order",
            ["call_id", "grp", "score"],
            unique=False,
        )
    _backfill()


def _backfill() -> None:
    from portal.reviews.summaries import refresh_call

    conn = op.get_bind()
    calls = conn.execute(
        sa.text(
            "SELECT call_id FROM reviews WHERE status = 'submitted'"
            " UNION SELECT call_id FROM review_consensus"
        )
    ).scalars()
    for call_id in sorted(set(calls)):
        refresh_call(conn, call_id)


def downgrade() -> None:
    with op.batch_alter_table("application_score_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_application_score_summaries_call_order")
    op.drop_table("application_score_summaries")
