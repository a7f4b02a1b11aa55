"""scheduled runs: the scheduler's claims and history (issue 19)

``scheduled_runs`` has one row per scheduled task and period; its UNIQUE (task,
period_start_dt) makes every scheduler process that reaches the same period after the first
one skip it, so a task runs once across all instances (``portal/scheduler``).

Revision ID: 0029_scheduled_runs
Revises: 0028_dashboard_indexes
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision = "0029_scheduled_runs"
down_revision = "0028_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = portal.core.db.UTCDateTime(timezone=True)
    op.create_table(
        "scheduled_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=60), nullable=False),
        sa.Column("period_start_dt", moment, nullable=False),
        sa.Column("claimed_dt", moment, nullable=False),
        sa.Column("claimed_by", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("started_dt", moment, nullable=True),
        sa.Column("finished_dt", moment, nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('claimed', 'queued', 'running', 'succeeded', 'failed')",
            name=op.f("ck_scheduled_runs_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_runs")),
        sa.UniqueConstraint(
            "task", "period_start_dt", name=op.f("uq_scheduled_runs_task_period_start_dt")
        ),
    )
    op.create_index("ix_scheduled_runs_claimed_dt", "scheduled_runs", ["claimed_dt"])


def downgrade() -> None:
    op.drop_index("ix_scheduled_runs_claimed_dt", table_name="scheduled_runs")
    op.drop_table("scheduled_runs")
