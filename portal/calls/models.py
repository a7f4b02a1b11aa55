"""Programmes and their calls for proposals.

A programme (a co-financing fund) holds money in one currency and has grants managers; each
call belongs to one programme and carries its currency. Invariants are named CHECK
constraints; the application form, document slots and eligibility quiz live in
``portal.calls.form_models``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.calls.constants import (
    DEFAULT_CALL_TIMEZONE,
    PUBLIC_STATUSES,
    CallStatus,
    Instrument,
    NoticeKind,
)
from portal.core.db import Base, Currency, Money, now_utc

programme_managers = Table(
    "programme_managers",
    Base.metadata,
    Column(
        "programme_id",
        Integer,
        ForeignKey("programmes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("currency IN ('MXN', 'USD')", name="currency_known"),
        CheckConstraint("envelope >= 0", name="envelope_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_es: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    donor: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(Currency())
    envelope: Mapped[Decimal] = mapped_column(Money())
    # Later (agreements): issue agreements in both languages side by side.
    bilingual_agreement: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    managers: Mapped[list[User]] = relationship(
        secondary=programme_managers, lazy="selectin", order_by=User.full_name
    )

    audit_type = "programme"

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name_es!r}>"

    def audit_fields(self) -> dict:
        return {
            "name_es": self.name_es,
            "name_en": self.name_en,
            "donor": self.donor,
            "currency": self.currency,
            "envelope": self.envelope,
            "bilingual_agreement": self.bilingual_agreement,
            "managers": sorted(u.id for u in self.managers),
        }

    def is_manager(self, user) -> bool:
        return bool(getattr(user, "id", None)) and any(m.id == user.id for m in self.managers)

    def can_view(self, user) -> bool:
        """Grants managers and administrators see every programme (read only)."""
        return bool(user.is_authenticated and user.has_role(Role.GRANTS_MANAGER, Role.ADMIN))

    def can_manage(self, user) -> bool:
        """Administrators, and grants managers named as managers of this programme."""
        if not user.is_authenticated:
            return False
        if user.has_role(Role.ADMIN):
            return True
        return user.has_role(Role.GRANTS_MANAGER) and self.is_manager(user)


_STATUSES_SQL = ", ".join(f"'{s.value}'" for s in CallStatus)
_OFFERS_ANY = " OR ".join(f"offers_{i.value}" for i in Instrument)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES_SQL})", name="status_known"),
        CheckConstraint("currency IN ('MXN', 'USD')", name="currency_known"),
        CheckConstraint("code = upper(code)", name="code_uppercase"),
        CheckConstraint(
            "opens_dt IS NULL OR closes_dt IS NULL OR opens_dt < closes_dt",
            name="opens_before_closes",
        ),
        CheckConstraint(
            "(budget IS NULL OR budget >= 0) AND (min_award IS NULL OR min_award >= 0)"
            " AND (max_award IS NULL OR max_award >= 0)",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "min_award IS NULL OR max_award IS NULL OR min_award <= max_award",
            name="min_award_within_max",
        ),
        CheckConstraint(
            "max_award IS NULL OR budget IS NULL OR max_award <= budget",
            name="max_award_within_budget",
        ),
        CheckConstraint(
            "cofinance_min_pct >= 0 AND cofinance_min_pct <= 100", name="cofinance_pct_range"
        ),
        CheckConstraint("form_version >= 1", name="form_version_positive"),
        CheckConstraint(
            "report_frequency IN ('quarterly', 'half_yearly', 'milestones')",
            name="report_frequency_known",
        ),
        CheckConstraint("final_report_days BETWEEN 1 AND 365", name="final_report_days_range"),
        CheckConstraint(
            "status = 'draft' OR (opens_dt IS NOT NULL AND closes_dt IS NOT NULL"
            " AND budget IS NOT NULL AND min_award IS NOT NULL AND max_award IS NOT NULL"
            f" AND ({_OFFERS_ANY}) AND published_dt IS NOT NULL)",
            name="published_is_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CallStatus.DRAFT.value, index=True)

    title_es: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    # Plain text; line breaks are kept when shown (no HTML is accepted).
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    # Eligibility by applicant: OrgKind values and INEGI state codes.
    applicant_kinds: Mapped[list] = mapped_column(JSON, default=list)
    all_states: Mapped[bool] = mapped_column(default=True)
    state_codes: Mapped[list] = mapped_column(JSON, default=list)
    # [{"es": "...", "en": "..."}, ...]
    thematic_areas: Mapped[list] = mapped_column(JSON, default=list)

    # Deadlines are entered in ``timezone`` and stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_CALL_TIMEZONE)
    opens_dt: Mapped[datetime | None]
    closes_dt: Mapped[datetime | None]

    currency: Mapped[str] = mapped_column(Currency())
    budget: Mapped[Decimal | None] = mapped_column(Money())
    min_award: Mapped[Decimal | None] = mapped_column(Money())
    max_award: Mapped[Decimal | None] = mapped_column(Money())
    # Minimum co-finance as a percentage of the total project cost.
    cofinance_min_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    in_kind_counts: Mapped[bool] = mapped_column(default=True)

    offers_fixed_amount: Mapped[bool] = mapped_column(default=False)
    offers_cost_reimbursable: Mapped[bool] = mapped_column(default=False)
    offers_in_kind: Mapped[bool] = mapped_column(default=False)

    # Reporting defaults for this call's awards (portal.reports): how often progress and
    # financial reports are due, and how many days after the end date the final reports are.
    report_frequency: Mapped[str] = mapped_column(
        String(12), default="quarterly", server_default="quarterly"
    )
    final_report_days: Mapped[int] = mapped_column(default=120, server_default="120")

    # Bumped by every change to the form, slots or quiz after first publication.
    form_version: Mapped[int] = mapped_column(default=1)

    published_dt: Mapped[datetime | None]
    closed_dt: Mapped[datetime | None]
    archived_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_dt: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(lazy="joined", innerjoin=True)
    questions: Mapped[list[FormQuestion]] = relationship(  # noqa: F821
        back_populates="call",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="FormQuestion.position",
    )
    document_slots: Mapped[list[CallDocumentSlot]] = relationship(  # noqa: F821
        back_populates="call",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CallDocumentSlot.position",
    )
    quiz_questions: Mapped[list[EligibilityQuestion]] = relationship(  # noqa: F821
        back_populates="call",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="EligibilityQuestion.position",
    )
    notices: Mapped[list[CallNotice]] = relationship(
        back_populates="call",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CallNotice.posted_dt.desc()",
    )

    audit_type = "call"

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.code}>"

    # State -------------------------------------------------------------------------------
    @property
    def status_enum(self) -> CallStatus:
        return CallStatus(self.status)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def ever_published(self) -> bool:
        """Keys of questions, slots and quiz questions are frozen from first publication."""
        return self.published_dt is not None

    @property
    def is_editable(self) -> bool:
        return self.status in (CallStatus.DRAFT, CallStatus.PUBLISHED)

    def is_open(self, now: datetime) -> bool:
        """Accepting applications: published, and ``now`` within [opens, closes)."""
        return bool(
            self.status == CallStatus.PUBLISHED
            and self.opens_dt
            and self.closes_dt
            and self.opens_dt <= now < self.closes_dt
        )

    def phase(self, now: datetime) -> str:
        """'open', 'upcoming' or 'ended' as the public sees it."""
        if self.is_open(now):
            return "open"
        if self.status == CallStatus.PUBLISHED and self.opens_dt and now < self.opens_dt:
            return "upcoming"
        return "ended"

    @property
    def instruments(self) -> list[Instrument]:
        return [i for i in Instrument if getattr(self, f"offers_{i.value}")]

    # Permissions -------------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """Published, closed and archived calls are public; drafts only to grants staff."""
        if self.is_public:
            return True
        return bool(user.is_authenticated and user.has_role(Role.GRANTS_MANAGER, Role.ADMIN))

    def can_manage(self, user) -> bool:
        return self.programme.can_manage(user)

    # Audit -------------------------------------------------------------------------------
    AUDITED = (
        "code",
        "title_es",
        "title_en",
        "description_es",
        "description_en",
        "applicant_kinds",
        "all_states",
        "state_codes",
        "thematic_areas",
        "timezone",
        "opens_dt",
        "closes_dt",
        "currency",
        "budget",
        "min_award",
        "max_award",
        "cofinance_min_pct",
        "in_kind_counts",
        "report_frequency",
        "final_report_days",
        "offers_fixed_amount",
        "offers_cost_reimbursable",
        "offers_in_kind",
        "status",
        "form_version",
    )

    def audit_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.AUDITED}


class CallNotice(Base):
    """A dated announcement or FAQ entry shown on the public call page."""

    __tablename__ = "call_notices"
    __table_args__ = (CheckConstraint("kind IN ('announcement', 'faq')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=NoticeKind.ANNOUNCEMENT.value)
    posted_dt: Mapped[datetime] = mapped_column(default=now_utc)
    title_es: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    body_es: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")

    call: Mapped[Call] = relationship(back_populates="notices")

    audit_type = "call_notice"

    @property
    def kind_enum(self) -> NoticeKind:
        return NoticeKind(self.kind)

    def audit_fields(self) -> dict:
        return {
            "kind": self.kind,
            "title_es": self.title_es,
            "title_en": self.title_en,
            "body_es": self.body_es,
            "body_en": self.body_en,
        }


# The form parts reference ``Call``; importing them here keeps the mapper registry complete
# for code that imports only this module.
from portal.calls import form_models  # noqa: E402, F401
