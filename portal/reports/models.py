"""Grantee reports: one ``GrantReport`` row per reporting requirement of an award (the schedule
and the report are the same row: it is created "due" and carries the answers once drafted),
the comment thread (``ReportComment``, per question or general), the report questions a call
asks (``ReportQuestion``, like ``FormQuestion`` for applications) and the financial report's
expenditure per budget category (``ReportExpenditure``).

Invariants held by the database: known kind, status and question kind; a period that ends
after it starts; a submitted report has its submission time and certification; an approved or
returned one has its decider; one expenditure line per report and category, never negative.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.applications.constants import BudgetCategory
from portal.awards.models import Award, Milestone
from portal.calls.constants import QuestionKind
from portal.core.db import Base, Money, now_utc
from portal.reports.constants import ReportKind, ReportStatus


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class GrantReport(Base):
    __tablename__ = "grant_reports"
    __table_args__ = (
        CheckConstraint(_in("kind", ReportKind), name="kind_known"),
        CheckConstraint(_in("status", ReportStatus), name="status_known"),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        CheckConstraint(
            "status IN ('due', 'draft') OR (submitted_dt IS NOT NULL AND certified_by_id IS NOT "
            "NULL AND certified_name IS NOT NULL AND form_snapshot IS NOT NULL)",
            name="submitted_is_certified",
        ),
        CheckConstraint(
            "status NOT IN ('approved', 'returned') "
            "OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
            name="decision_recorded",
        ),
        CheckConstraint("submissions >= 0", name="submissions_not_negative"),
        UniqueConstraint("award_id", "kind", "period_end"),
        Index("ix_grant_reports_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_on: Mapped[date]  # a calendar date in the programme's zone
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.DUE.value)
    # The payment of this milestone cannot be approved before this report is (award terms).
    gates_milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_milestones.id", ondelete="SET NULL"), index=True
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> answer
    # The questions as they were when last submitted (labels in both languages).
    form_snapshot: Mapped[list | None] = mapped_column(JSON)
    submissions: Mapped[int] = mapped_column(default=0)
    certified_name: Mapped[str | None] = mapped_column(String(200))
    # The certification the person ticked, in the canonical English source (0022).
    certification_text: Mapped[str | None] = mapped_column(Text)
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_dt: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(default=now_utc)

    # Loaded on access (from the identity map when the page already holds the award): a joined
    # load would re-run the award's eager collections for every list of reports.
    award: Mapped[Award] = relationship()
    gates_milestone: Mapped[Milestone | None] = relationship()
    comments: Mapped[list[ReportComment]] = relationship(
        back_populates="report",
        order_by="ReportComment.id",
        cascade="all, delete-orphan",
    )
    expenditures: Mapped[list[ReportExpenditure]] = relationship(
        back_populates="report",
        order_by="ReportExpenditure.id",
        cascade="all, delete-orphan",
    )

    audit_type = "grant_report"

    @property
    def kind_enum(self) -> ReportKind:
        return ReportKind(self.kind)

    @property
    def status_enum(self) -> ReportStatus:
        return ReportStatus(self.status)


class ReportComment(Base):
    """A message in a report's thread: staff's comment on one question (``question_key``) or
    on the whole report (``None``), or the grantee's reply. ``round`` is the submission it
    answers, so the thread reads in order across returns."""

    __tablename__ = "grant_report_comments"
    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str | None] = mapped_column(String(40))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    round: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    report: Mapped[GrantReport] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(lazy="joined")

    audit_type = "grant_report_comment"


class ReportExpenditure(Base):
    """Spent in the report's period on one budget category, in the award's currency."""

    __tablename__ = "grant_report_expenditures"
    __table_args__ = (
        CheckConstraint(_in("category", BudgetCategory), name="category_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        UniqueConstraint("report_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[GrantReport] = relationship(back_populates="expenditures")

    audit_type = "grant_report_expenditure"


class ReportQuestion(Base):
    """A question a call's reports of one kind ask (bilingual, like ``FormQuestion``)."""

    __tablename__ = "report_questions"
    __table_args__ = (
        CheckConstraint(_in("report_kind", ReportKind), name="report_kind_known"),
        CheckConstraint(_in("kind", QuestionKind), name="kind_known"),
        CheckConstraint("max_chars IS NULL OR max_chars > 0", name="max_chars_positive"),
        UniqueConstraint("call_id", "report_kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    report_kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    label_es: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str] = mapped_column(String(500))
    help_es: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    max_chars: Mapped[int | None]
    options: Mapped[list] = mapped_column(JSON, default=list)

    audit_type = "report_question"


class ReportReminder(Base):
    """The log of e-mail reminders about grantee reports (like ``MilestoneReminder``): one row
    per report, kind and day; a due-soon reminder once per due date (partial unique index),
    an overdue one never twice the same day."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        CheckConstraint("kind IN ('due_soon', 'overdue')", name="kind_known"),
        CheckConstraint("recipients >= 0", name="recipients_not_negative"),
        UniqueConstraint("report_id", "kind", "sent_on"),
        Index(
            "uq_report_reminders_due_soon_once",
            "report_id",
            "due_date",
            unique=True,
            postgresql_where=text("kind = 'due_soon'"),
            sqlite_where=text("kind = 'due_soon'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("grant_reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    sent_on: Mapped[date]
    due_date: Mapped[date]
    recipients: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "report_reminder"
