"""Applications, their budgets, co-finance sources, status history and message thread.

Answers are stored as JSON keyed by the form's stable question keys; at submission the
application keeps the snapshot of the form it answered (``form_snapshot``), so later edits to
the call's form never change it. ``version_id`` is SQLAlchemy's optimistic-locking column: an
UPDATE made from a stale read matches no row and fails instead of overwriting.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import g, has_request_context
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.applications.constants import (
    WITHDRAWABLE,
    ApplicationStatus,
    BudgetCategory,
    ContributorType,
    CountsAs,
    Nature,
)
from portal.calls.models import Call
from portal.core.db import Base, Currency, Money, now_utc
from portal.organisations.models import MemberRole, Organisation


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(str(v.value)) for v in enum)})"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(_in("status", ApplicationStatus), name="status_known"),
        CheckConstraint(
            "(reference IS NULL AND number IS NULL AND submitted_dt IS NULL)"
            " OR (reference IS NOT NULL AND number IS NOT NULL AND submitted_dt IS NOT NULL"
            " AND form_snapshot IS NOT NULL AND form_version IS NOT NULL)",
            name="submitted_is_complete",
        ),
        CheckConstraint(
            "status IN ('draft', 'withdrawn') OR submitted_dt IS NOT NULL",
            name="submitted_statuses_have_reference",
        ),
        CheckConstraint(
            "(status = 'withdrawn' AND withdrawn_dt IS NOT NULL)"
            " OR (status != 'withdrawn' AND withdrawn_dt IS NULL)",
            name="withdrawn_iff_dated",
        ),
        CheckConstraint(
            "requested_total >= 0 AND cost_share_total >= 0 AND leverage_total >= 0",
            name="totals_not_negative",
        ),
        CheckConstraint("cofinance_pct >= 0 AND cofinance_pct <= 100", name="cofinance_pct_range"),
        UniqueConstraint("call_id", "number"),
        Index("ix_applications_call_status", "call_id", "status"),
        # The home pages count applications in one status across all calls (to screen,
        # under review without consensus): migration 0028.
        Index("ix_applications_status_call", "status", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Assigned at submission: "<CALL-CODE>-0042" from a per-call counter.
    number: Mapped[int | None]
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(32), default=ApplicationStatus.DRAFT.value)

    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    eligibility_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # None: quiz not answered yet; else the result of the latest check and its reasons.
    eligible: Mapped[bool | None]
    ineligibility: Mapped[list] = mapped_column(JSON, default=list)
    eligibility_dt: Mapped[datetime | None]

    # Frozen at submission.
    form_version: Mapped[int | None]
    form_snapshot: Mapped[dict | None] = mapped_column(JSON)

    # Denormalised budget totals (see ``budget.py``), kept in step by the budget operation so
    # staff lists filter and sort in SQL.
    currency: Mapped[str] = mapped_column(Currency())
    requested_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    cost_share_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    leverage_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    cofinance_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))

    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(default=now_utc)
    submitted_dt: Mapped[datetime | None]
    withdrawn_dt: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    version_id: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call] = relationship(lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="BudgetLine.position, BudgetLine.id",
        lazy="raise_on_sql",
    )
    sources: Mapped[list[CofinanceSource]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="CofinanceSource.position, CofinanceSource.id",
        lazy="raise_on_sql",
    )

    __mapper_args__ = {"version_id_col": version_id}

    audit_type = "application"

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.reference or 'draft'}>"

    # State -------------------------------------------------------------------------------
    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def was_submitted(self) -> bool:
        return self.submitted_dt is not None

    def snapshot(self) -> dict:
        """The form this application answers: frozen once submitted, the call's live form before."""
        if self.form_snapshot is not None:
            # Records imported without a form (e.g. grants carried over from an earlier
            # call) hold an empty snapshot: read it as a form with no questions.
            return {"questions": [], "document_slots": [], **self.form_snapshot}
        from portal.calls.rules import form_snapshot

        return form_snapshot(self.call)

    # Permissions -------------------------------------------------------------------------
    def membership(self, user):
        """The user's membership in the applicant organisation (cached for the request)."""
        user_id = getattr(user, "id", None)
        if not user_id or not user.is_authenticated:
            return None
        if not has_request_context():
            return self.organisation.membership_of(user)
        cache = g.setdefault("_application_memberships", {})
        key = (self.organisation_id, user_id)
        if key not in cache:
            cache[key] = self.organisation.membership_of(user)
        return cache[key]

    def is_staff_reader(self, user) -> bool:
        """Grants managers and administrators read every application once it was submitted."""
        return bool(
            user.is_authenticated
            and self.was_submitted
            and user.has_role(Role.GRANTS_MANAGER, Role.ADMIN)
        )

    def can_view(self, user) -> bool:
        """Members of the organisation (any role); grants staff once submitted. Not reviewers
        or finance officers (the review and finance issues grant them their own access)."""
        return self.membership(user) is not None or self.is_staff_reader(user)

    def can_edit(self, user) -> bool:
        """Owners and editors change a draft."""
        m = self.membership(user)
        return bool(self.is_draft and m and m.role in (MemberRole.OWNER, MemberRole.EDITOR))

    def can_submit(self, user) -> bool:
        """Only the owner or the organisation's designated signatory submits."""
        m = self.membership(user)
        return bool(self.is_draft and m and (m.role == MemberRole.OWNER or m.is_signatory))

    def can_withdraw(self, user, now: datetime) -> bool:
        """The owner, before the call's deadline."""
        m = self.membership(user)
        return bool(
            self.status in WITHDRAWABLE
            and m
            and m.role == MemberRole.OWNER
            and self.call.closes_dt
            and now < self.call.closes_dt
        )

    def can_reply(self, user) -> bool:
        """Owners and editors answer a request for more information."""
        m = self.membership(user)
        return bool(
            self.status == ApplicationStatus.MORE_INFORMATION_REQUESTED
            and m
            and m.role in (MemberRole.OWNER, MemberRole.EDITOR)
        )

    def can_request_information(self, user) -> bool:
        """The call's managers (programme managers) and administrators, on a submitted one."""
        return bool(
            self.status == ApplicationStatus.SUBMITTED
            and user.is_authenticated
            and self.call.can_manage(user)
        )

    def audit_fields(self) -> dict:
        return {
            "title": self.title,
            "status": self.status,
            "reference": self.reference,
            "requested_total": self.requested_total,
            "cost_share_total": self.cost_share_total,
            "leverage_total": self.leverage_total,
            "cofinance_pct": self.cofinance_pct,
        }


class ApplicationCounter(Base):
    """The last reference number handed out per call (incremented under a row lock)."""

    __tablename__ = "application_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="not_negative"),)

    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    last_number: Mapped[int] = mapped_column(default=0)


class StatusChange(Base):
    """One move of an application's status (the timeline)."""

    __tablename__ = "application_status_changes"
    __table_args__ = (
        CheckConstraint(_in("to_status", ApplicationStatus), name="to_status_known"),
        CheckConstraint(
            "from_status IS NULL OR " + _in("from_status", ApplicationStatus),
            name="from_status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    note: Mapped[str | None] = mapped_column(Text)

    by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    @property
    def to_label(self):
        return ApplicationStatus(self.to_status).label


class BudgetLine(Base):
    __tablename__ = "application_budget_lines"
    __table_args__ = (
        CheckConstraint(_in("category", BudgetCategory), name="category_known"),
        CheckConstraint("requested >= 0 AND cofinance >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(300))
    # Asked from the programme, and put in by co-financiers (cost share), for this line.
    requested: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    cofinance: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    position: Mapped[int] = mapped_column(default=0)

    application: Mapped[Application] = relationship(back_populates="lines")

    @property
    def category_label(self):
        return BudgetCategory(self.category).label


class CofinanceSource(Base):
    """A co-financier's commitment; the commitment letter is a document of the application
    in slot ``commitment_letter_<id>``."""

    __tablename__ = "application_cofinance_sources"
    __table_args__ = (
        CheckConstraint(_in("contributor_type", ContributorType), name="contributor_type_known"),
        CheckConstraint(_in("nature", Nature), name="nature_known"),
        CheckConstraint(_in("counts_as", CountsAs), name="counts_as_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "nature != 'in_kind' OR (valuation_basis IS NOT NULL AND valuation_basis != '')",
            name="in_kind_valued",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    contributor_name: Mapped[str] = mapped_column(String(200))
    contributor_type: Mapped[str] = mapped_column(String(20))
    nature: Mapped[str] = mapped_column(String(10), default=Nature.CASH.value)
    counts_as: Mapped[str] = mapped_column(String(12), default=CountsAs.COST_SHARE.value)
    amount: Mapped[Decimal] = mapped_column(Money())
    valuation_basis: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    application: Mapped[Application] = relationship(back_populates="sources")

    @property
    def letter_slot(self) -> str:
        from portal.applications.constants import COMMITMENT_SLOT_PREFIX

        return f"{COMMITMENT_SLOT_PREFIX}{self.id}"

    @property
    def needs_letter(self) -> bool:
        """Third parties confirm their commitment in writing; the applicant does not."""
        return self.contributor_type != ContributorType.APPLICANT

    @property
    def contributor_label(self):
        return ContributorType(self.contributor_type).label

    @property
    def nature_label(self):
        return Nature(self.nature).label

    @property
    def counts_as_label(self):
        return CountsAs(self.counts_as).label


class ApplicationMessage(Base):
    """The thread of a request for more information; attachments are documents of owner type
    ``application_message``."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_staff: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    author: Mapped[User] = relationship(lazy="raise_on_sql")
    application: Mapped[Application] = relationship(lazy="raise_on_sql")

    audit_type = "application_message"
