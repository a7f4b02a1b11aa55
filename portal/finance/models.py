"""Finance tables. Every foreign key points at the awards tables; nothing of theirs changes.

Disbursement amounts are SIGNED: payments and advances are positive, a reversal carries the
negative of the entry it reverses, a refund (unspent funds returned) is negative, so
``SUM(award_amount)`` is always the net paid. Named CHECK constraints hold the rule per kind;
``reverses_id`` is UNIQUE (an entry is reversed at most once); ``idempotency_key`` is UNIQUE
(a resubmitted form records once). On PostgreSQL a trigger refuses UPDATE and DELETE on the
ledger (migration 0007).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.awards.models import Award, CofinanceCommitment, Milestone
from portal.core.db import Base, Currency, Money, now_utc
from portal.finance.constants import ContributionStatus, Kind, RequestStatus


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(str(v.value)) for v in enum)})"


class PaymentRequest(Base):
    """Milestone evidence and the request to be paid for it (one approval chain)."""

    __tablename__ = "payment_requests"
    __table_args__ = (
        CheckConstraint(_in("status", RequestStatus), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "approved_amount IS NULL OR (approved_amount > 0 AND approved_amount <= amount)",
            name="approved_within_requested",
        ),
        CheckConstraint(
            "status IN ('draft') OR (certified_by_id IS NOT NULL AND certified_dt IS NOT NULL"
            " AND certified_name IS NOT NULL)",
            name="certified_when_submitted",
        ),
        Index("ix_payment_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("award_milestones.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default=RequestStatus.DRAFT.value)
    narrative: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(Currency())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    certification_text: Mapped[str | None] = mapped_column(Text)
    certified_name: Mapped[str | None] = mapped_column(String(200))
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    certified_dt: Mapped[datetime | None]
    deliverable_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deliverable_dt: Mapped[datetime | None]
    deliverable_comment: Mapped[str] = mapped_column(Text, default="")
    approved_amount: Mapped[Decimal | None] = mapped_column(Money())
    payment_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payment_dt: Mapped[datetime | None]
    payment_comment: Mapped[str] = mapped_column(Text, default="")

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    milestone: Mapped[Milestone] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    expenses: Mapped[list[ExpenseLine]] = relationship(
        back_populates="request", order_by="ExpenseLine.id", lazy="selectin"
    )
    cfdis: Mapped[list[Cfdi]] = relationship(
        back_populates="request", order_by="Cfdi.id", lazy="selectin"
    )

    audit_type = "payment_request"

    @property
    def status_enum(self) -> RequestStatus:
        return RequestStatus(self.status)

    @property
    def expenses_total(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0"))


class ExpenseLine(Base):
    """A reported expense of a cost-reimbursable request, by budget category."""

    __tablename__ = "payment_request_expenses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("payment_requests.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money())
    receipt_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    request: Mapped[PaymentRequest] = relationship(back_populates="expenses")

    audit_type = "payment_request_expense"


class Cfdi(Base):
    """A parsed CFDI electronic invoice. ``uuid`` is UNIQUE across all grants: the same
    invoice never supports two claims."""

    __tablename__ = "cfdis"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("payment_requests.id", ondelete="CASCADE"), index=True
    )
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    issuer_rfc: Mapped[str] = mapped_column(String(13))
    receiver_rfc: Mapped[str] = mapped_column(String(13))
    total: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    issued_dt: Mapped[datetime]
    xml: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    request: Mapped[PaymentRequest] = relationship(back_populates="cfdis")

    audit_type = "cfdi"


SIGN_BY_KIND = (
    "(kind = 'reversal' AND reverses_id IS NOT NULL AND amount < 0 AND award_amount < 0)"
    " OR (kind = 'refund' AND reverses_id IS NULL AND amount < 0 AND award_amount < 0)"
    " OR (kind NOT IN ('reversal', 'refund') AND reverses_id IS NULL AND amount > 0"
    " AND award_amount > 0)"
)


class Disbursement(Base):
    """One row of the append-only disbursement ledger (see the module docstring)."""

    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint(_in("kind", Kind), name="kind_known"),
        CheckConstraint(
            SIGN_BY_KIND,
            name="sign_by_kind",
        ),
        CheckConstraint("advance_id IS NULL OR kind = 'refund'", name="advance_only_on_refund"),
        CheckConstraint(
            "kind != 'refund' OR (milestone_id IS NULL AND request_id IS NULL)",
            name="refund_unassigned",
        ),
        CheckConstraint(
            "(exchange_rate IS NULL AND rate_source IS NULL)"
            " OR (exchange_rate > 0 AND rate_source IS NOT NULL)",
            name="rate_with_source",
        ),
        CheckConstraint("kind != 'advance' OR milestone_id IS NULL", name="advance_unassigned"),
        CheckConstraint("currency IN ('MXN', 'USD')", name="currency_known"),
        Index("ix_disbursements_award", "award_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("award_milestones.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("payment_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), unique=True)
    # A refund that returns (part of) an outstanding advance: that advance's balance shrinks.
    advance_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(Currency())
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    rate_source: Mapped[str | None] = mapped_column(String(40))
    award_amount: Mapped[Decimal] = mapped_column(Money())  # in the award's currency
    award_currency: Mapped[str] = mapped_column(Currency())
    bank_reference: Mapped[str] = mapped_column(String(100))
    clabe: Mapped[str] = mapped_column(String(18))
    note: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    recorded_by: Mapped[User] = relationship(lazy="joined", foreign_keys=[recorded_by_id])

    audit_type = "disbursement"

    @property
    def masked_clabe(self) -> str:
        return "•" * 14 + self.clabe[-4:]


class AdvanceLiquidation(Base):
    """Part of an advance settled against a milestone: that much of the milestone was paid in
    advance, so its own payments shrink by it. The sum per advance never exceeds the advance
    and the sum per milestone never exceeds the milestone (checked under the award lock)."""

    __tablename__ = "advance_liquidations"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advance_id: Mapped[int] = mapped_column(ForeignKey("disbursements.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("award_milestones.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "advance_liquidation"


class CofinanceContribution(Base):
    """A co-finance contribution reported by the grantee against a commitment of the
    agreement (in the award's currency), verified or rejected by a finance officer."""

    __tablename__ = "cofinance_contributions"
    __table_args__ = (
        CheckConstraint(_in("status", ContributionStatus), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("nature IN ('cash', 'in_kind')", name="nature_known"),
        CheckConstraint("counts_as IN ('cost_share', 'leverage')", name="counts_as_known"),
        CheckConstraint(
            "nature = 'cash' OR (valuation_basis IS NOT NULL AND valuation_basis != '')",
            name="in_kind_valued",
        ),
        CheckConstraint(
            "status != 'rejected' OR (reason IS NOT NULL AND reason != '')",
            name="rejection_has_reason",
        ),
        Index("ix_cofinance_contributions_award", "award_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_cofinance_commitments.id", ondelete="SET NULL"), index=True
    )
    contributor_name: Mapped[str] = mapped_column(String(200))
    nature: Mapped[str] = mapped_column(String(10))
    counts_as: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(Currency())
    valuation_basis: Mapped[str | None] = mapped_column(Text)
    contributed_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ContributionStatus.REPORTED.value)
    reason: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_dt: Mapped[datetime] = mapped_column(default=now_utc)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_dt: Mapped[datetime | None]

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    commitment: Mapped[CofinanceCommitment | None] = relationship(lazy="joined")

    audit_type = "cofinance_contribution"

    @property
    def status_enum(self) -> ContributionStatus:
        return ContributionStatus(self.status)

    @property
    def nature_label(self):
        from portal.applications.constants import Nature

        return Nature(self.nature).label

    @property
    def counts_as_label(self):
        from portal.applications.constants import CountsAs

        return CountsAs(self.counts_as).label


# The per-award summaries follow every change of these rows (ORM events): registered with them.
from portal.finance import summaries  # noqa: E402, F401
