"""The history of scheduled runs (``scheduled_runs``), which is also the lock that makes each
run happen once across every scheduler process.

One row per task and period: the scheduler INSERTs (task, period_start) before it enqueues the
task; the UNIQUE constraint makes a second INSERT for the same period fail, so a scheduler on
another machine (or a second one started by mistake) learns that the run is taken and skips
it. The same row then records what became of the run: queued on RQ (with the job id), running,
succeeded (with a one-line summary) or failed (with the error's last line).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, now_utc

CLAIMED = "claimed"
QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATUSES = (CLAIMED, QUEUED, RUNNING, SUCCEEDED, FAILED)


class ScheduledRun(Base):
    __tablename__ = "scheduled_runs"
    __table_args__ = (
        UniqueConstraint("task", "period_start_dt"),
        CheckConstraint(
            "status IN ('claimed', 'queued', 'running', 'succeeded', 'failed')",
            name="status_known",
        ),
        Index("ix_scheduled_runs_claimed_dt", "claimed_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(60))
    period_start_dt: Mapped[datetime]  # the start of the period this run covers (UTC)
    claimed_dt: Mapped[datetime] = mapped_column(default=now_utc)
    claimed_by: Mapped[str] = mapped_column(String(120), default="")  # host:pid
    status: Mapped[str] = mapped_column(String(10), default=CLAIMED)
    job_id: Mapped[str | None] = mapped_column(String(64))  # RQ job id; None when inline
    started_dt: Mapped[datetime | None]
    finished_dt: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(String(500))

    @property
    def duration_seconds(self) -> float | None:
        if self.started_dt is None or self.finished_dt is None:
            return None
        return (self.finished_dt - self.started_dt).total_seconds()
