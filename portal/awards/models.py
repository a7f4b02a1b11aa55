"""Awards, their terms, co-finance commitments, risk assessment, payment schedule, the
agreements issued for them (numbered versions), signatures and the standard clauses.

Invariants are named CHECK constraints: positive amounts, end after start, the approver is
never the proposer, one signature per role and agreement.
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
from portal.applications.models import Application
from portal.awards.constants import (
    AgreementStatus,
    AwardStatus,
    MilestoneStatus,
    SignatureRole,
)
from portal.calls.constants import Instrument
from portal.core.db import Base, Currency, Money, now_utc


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(str(v.value)) for v in enum)})"


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint(_in("status", AwardStatus), name="status_known"),
        CheckConstraint(_in("instrument", Instrument), name="instrument_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("currency IN ('MXN', 'USD')", name="currency_known"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR start_date < end_date",
            name="starts_before_end",
        ),
        CheckConstraint(
            "advance_limit IS NULL OR (advance_limit > 0 AND advance_limit <= amount)",
            name="advance_within_amount",
        ),
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id != proposed_by_id",
            name="approver_not_proposer",
        ),
        Index("ix_awards_call_status", "call_id", "status"),
        # One standing award per application; refused proposals stay for the record.
        Index(
            "uq_awards_application_standing",
            "application_id",
            unique=True,
            postgresql_where=text("status != 'rejected'"),
            sqlite_where=text("status != 'rejected'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    instrument: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(Currency())
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    special_conditions: Mapped[str] = mapped_column(Text, default="")
    # Advances (fixed amount awards) allowed up to this net total; NULL: no advance.
    advance_limit: Mapped[Decimal | None] = mapped_column(Money())
    justification: Mapped[str] = mapped_column(Text)

    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_dt: Mapped[datetime] = mapped_column(default=now_utc)
    needs_second_approval: Mapped[bool] = mapped_column(default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_dt: Mapped[datetime | None]
    updated_dt: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(lazy="joined", innerjoin=True)
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")
    commitments: Mapped[list[CofinanceCommitment]] = relationship(
        back_populates="award",
        cascade="all, delete-orphan",
        order_by="CofinanceCommitment.position, CofinanceCommitment.id",
        lazy="selectin",
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="award",
        cascade="all, delete-orphan",
        order_by="Milestone.position, Milestone.due_date, Milestone.id",
        lazy="selectin",
    )

    audit_type = "award"

    def __repr__(self) -> str:
        return f"<Award {self.id} {self.status} {self.amount} {self.currency}>"

    @property
    def status_enum(self) -> AwardStatus:
        return AwardStatus(self.status)

    @property
    def instrument_enum(self) -> Instrument:
        return Instrument(self.instrument)

    @property
    def is_editable(self) -> bool:
        from portal.awards.constants import EDITABLE_STATUSES

        return self.status in EDITABLE_STATUSES

    @property
    def scheduled_total(self) -> Decimal:
        return sum((m.amount for m in self.milestones), Decimal("0"))

    def audit_fields(self) -> dict:
        return {
            "status": self.status,
            "instrument": self.instrument,
            "amount": self.amount,
            "currency": self.currency,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "special_conditions": self.special_conditions,
            "advance_limit": self.advance_limit,
        }


class CofinanceCommitment(Base):
    """A co-financier's commitment written into the agreement (prefilled from the
    application's co-finance sources, edited by staff). Issue 7 reports against these."""

    __tablename__ = "award_cofinance_commitments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("nature IN ('cash', 'in_kind')", name="nature_known"),
        CheckConstraint("counts_as IN ('cost_share', 'leverage')", name="counts_as_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_cofinance_sources.id", ondelete="SET NULL")
    )
    contributor_name: Mapped[str] = mapped_column(String(200))
    contributor_type: Mapped[str] = mapped_column(String(20))
    nature: Mapped[str] = mapped_column(String(10))
    counts_as: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Money())
    valuation_basis: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    award: Mapped[Award] = relationship(back_populates="commitments")

    audit_type = "award_commitment"

    @property
    def nature_label(self):
        from portal.applications.constants import Nature

        return Nature(self.nature).label

    @property
    def counts_as_label(self):
        from portal.applications.constants import CountsAs

        return CountsAs(self.counts_as).label


class RiskAssessment(Base):
    __tablename__ = "award_risk_assessments"
    __table_args__ = (CheckConstraint("level IN ('low', 'medium', 'high')", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # item -> answer
    level: Mapped[str] = mapped_column(String(6))
    proposed_conditions: Mapped[list] = mapped_column(JSON, default=list)  # condition keys
    conditions_accepted: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "award_risk"


class Milestone(Base):
    """A milestone (fixed amount award) or tranche (cost-reimbursable, in kind)."""

    __tablename__ = "award_milestones"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_in("status", MilestoneStatus), name="status_known"),
        CheckConstraint("currency IN ('MXN', 'USD')", name="currency_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    deliverable: Mapped[str] = mapped_column(Text)
    verification: Mapped[str] = mapped_column(Text)  # means of verification
    due_date: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(Currency())
    status: Mapped[str] = mapped_column(String(12), default=MilestoneStatus.PLANNED.value)

    award: Mapped[Award] = relationship(back_populates="milestones")

    audit_type = "award_milestone"


class Agreement(Base):
    """One issued version of an award's agreement.

    ``content_hash`` is the SHA-256 of the canonical JSON of every term (printed in the PDF's
    footer: a PDF cannot contain its own hash); ``file_sha256`` is the hash of the stored PDF.
    Once both parties signed, the signed PDF is rendered once (``signed_*``) and ``frozen``.
    """

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint(_in("status", AgreementStatus), name="status_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("language IN ('es', 'en', 'bilingual')", name="language_known"),
        UniqueConstraint("award_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=AgreementStatus.ISSUED.value)
    language: Mapped[str] = mapped_column(String(10), default="es")
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    signed_file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    frozen: Mapped[bool] = mapped_column(default=False)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_dt: Mapped[datetime] = mapped_column(default=now_utc)

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="agreement", order_by="Signature.signed_dt", lazy="selectin"
    )

    audit_type = "agreement"

    def __repr__(self) -> str:
        return f"<Agreement {self.number} {self.status}>"

    @property
    def status_enum(self) -> AgreementStatus:
        return AgreementStatus(self.status)

    def signature(self, role: SignatureRole) -> Signature | None:
        return next((s for s in self.signatures if s.role == role), None)


class Signature(Base):
    __tablename__ = "agreement_signatures"
    __table_args__ = (
        CheckConstraint(_in("role", SignatureRole), name="role_known"),
        UniqueConstraint("agreement_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(10))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_dt: Mapped[datetime] = mapped_column(default=now_utc)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    content_hash: Mapped[str] = mapped_column(String(64))  # what was signed
    file_sha256: Mapped[str | None] = mapped_column(String(64))  # the PDF that was shown

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    user: Mapped[User] = relationship(lazy="joined")

    audit_type = "agreement_signature"


class AgreementClause(Base):
    """Standard clauses printed in every agreement, editable by grants managers."""

    __tablename__ = "agreement_clauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_es: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_dt: Mapped[datetime | None]

    audit_type = "agreement_clause"

    def audit_fields(self) -> dict:
        return {k: getattr(self, k) for k in ("title_es", "title_en", "body_es", "body_en")}
