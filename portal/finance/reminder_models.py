"""The log of e-mail reminders about milestone reports (``portal/finance/reminders.py``).

One row per milestone, kind and day a reminder went out. The database keeps reminders from
repeating even when two runs overlap: UNIQUE (milestone, kind, day) — never twice the same
day — and a partial UNIQUE index on (milestone, due date) for ``due_soon`` — announced once
per due date, so a milestone an amendment moves is announced again for its new date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, now_utc

DUE_SOON = "due_soon"
OVERDUE = "overdue"


class MilestoneReminder(Base):
    __tablename__ = "milestone_reminders"
    __table_args__ = (
        CheckConstraint("kind IN ('due_soon', 'overdue')", name="kind_known"),
        CheckConstraint("recipients >= 0", name="recipients_not_negative"),
        UniqueConstraint("milestone_id", "kind", "sent_on"),
        Index(
            "uq_milestone_reminders_due_soon_once",
            "milestone_id",
            "due_date",
            unique=True,
            postgresql_where=text("kind = 'due_soon'"),
            sqlite_where=text("kind = 'due_soon'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("award_milestones.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    sent_on: Mapped[date]  # the programme's calendar day of the run
    due_date: Mapped[date]  # the due date the reminder was about
    recipients: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "milestone_reminder"
