"""What a grant's money page loads, in a fixed number of statements whatever the number of its
ledger entries (issue 18: at most 15 for the whole page).

- the award with its application, organisation, call and programme in one joined statement
  (commitments joined too, milestones by one ``selectin``); the call's form, quiz, slots and
  notices, the programme's managers and the proposing/approving users are left to load on
  access only (the page shows none of them);
- the ledger in one statement, each advance carrying what was liquidated from it (a scalar
  subquery), so advances, refunds and the figures are computed from these rows in Python;
- the contributions and the payment requests, one statement each, without their award (the
  page already has it) nor the requests' expenses and invoices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.calls.models import Call, Programme
from portal.core.db import db
from portal.finance.constants import Kind
from portal.finance.figures import GrantFigures
from portal.finance.models import (
    AdvanceLiquidation,
    CofinanceContribution,
    Disbursement,
    PaymentRequest,
)

ZERO = Decimal("0")


def _award_options() -> tuple:
    call = joinedload(Award.application).joinedload(Application.call)
    return (
        joinedload(Award.application).joinedload(Application.organisation),
        call.lazyload(Call.questions),
        call.lazyload(Call.document_slots),
        call.lazyload(Call.quiz_questions),
        call.lazyload(Call.notices),
        call.joinedload(Call.programme).lazyload(Programme.managers),
        lazyload(Award.proposed_by),
        lazyload(Award.approved_by),
        joinedload(Award.commitments),
        selectinload(Award.milestones),
    )


def load_award(award_id: int) -> Award | None:
    """The award for its money page (two statements; see the module docstring)."""
    return (
        db.session.execute(select(Award).where(Award.id == award_id).options(*_award_options()))
        .unique()
        .scalar_one_or_none()
    )


@dataclass
class Advance:
    entry: Disbursement
    liquidated: Decimal
    refunded: Decimal = ZERO  # positive

    @property
    def balance(self) -> Decimal:
        """Still outstanding: the advance − liquidations − refunds against it."""
        return self.entry.award_amount - self.liquidated - self.refunded


@dataclass
class Ledger:
    rows: list[Disbursement]
    advances: list[Advance] = field(default_factory=list)  # live ones, oldest first

    @property
    def reversed_ids(self) -> set[int]:
        return {r.reverses_id for r in self.rows if r.reverses_id}

    @property
    def refunded(self) -> Decimal:
        """Refunds received on the award in all (positive, award currency)."""
        return ZERO - sum((r.award_amount for r in self.rows if r.kind == Kind.REFUND.value), ZERO)

    @property
    def outstanding_advance(self) -> Decimal:
        return sum((a.balance for a in self.advances), ZERO)

    @property
    def advanced_total(self) -> Decimal:
        return sum((a.entry.award_amount - a.refunded for a in self.advances), ZERO)

    @property
    def refundable_advances(self) -> list[tuple[Disbursement, Decimal]]:
        return [(a.entry, a.balance) for a in self.advances if a.balance > 0]


def load_ledger(award_id: int) -> Ledger:
    """Every entry of the award (one statement), oldest first, with its recorder's name."""
    liquidated = (
        select(func.coalesce(func.sum(AdvanceLiquidation.amount), 0))
        .where(AdvanceLiquidation.advance_id == Disbursement.id)
        .correlate(Disbursement)
        .scalar_subquery()
    )
    result = db.session.execute(
        select(Disbursement, liquidated)
        .where(Disbursement.award_id == award_id)
        .options(joinedload(Disbursement.recorded_by).lazyload(User.role_rows))
        .order_by(Disbursement.id)
    ).all()
    ledger = Ledger([row for row, _ in result])
    reversed_ids = ledger.reversed_ids
    by_id: dict[int, Advance] = {}
    for row, taken in result:
        if row.kind == Kind.ADVANCE.value and row.id not in reversed_ids:
            by_id[row.id] = Advance(row, Decimal(taken or 0))
    for row in ledger.rows:
        if row.kind == Kind.REFUND.value and row.advance_id in by_id:
            by_id[row.advance_id].refunded -= row.award_amount
    ledger.advances = list(by_id.values())
    return ledger


def load_contributions(award_id: int) -> list[CofinanceContribution]:
    return list(
        db.session.scalars(
            select(CofinanceContribution)
            .where(CofinanceContribution.award_id == award_id)
            .options(
                lazyload(CofinanceContribution.award), lazyload(CofinanceContribution.commitment)
            )
            .order_by(CofinanceContribution.id)
        )
    )


def load_requests(award_id: int) -> list[PaymentRequest]:
    return list(
        db.session.scalars(
            select(PaymentRequest)
            .where(PaymentRequest.award_id == award_id)
            .options(
                lazyload(PaymentRequest.award),
                lazyload(PaymentRequest.milestone),
                lazyload(PaymentRequest.created_by),
                lazyload(PaymentRequest.expenses),
                lazyload(PaymentRequest.cfdis),
            )
            .order_by(PaymentRequest.id)
        )
    )


def queue_options() -> tuple:
    """Payment requests listed with their grant's reference only (the finance index): the
    award and application joined, nothing else of theirs."""
    award = joinedload(PaymentRequest.award)
    return (
        award.lazyload(Award.commitments),
        award.lazyload(Award.milestones),
        award.lazyload(Award.proposed_by),
        award.lazyload(Award.approved_by),
        award.joinedload(Award.application).lazyload(Application.call),
        award.joinedload(Award.application).lazyload(Application.organisation),
        lazyload(PaymentRequest.milestone),
        lazyload(PaymentRequest.created_by),
        lazyload(PaymentRequest.expenses),
        lazyload(PaymentRequest.cfdis),
    )


def figures_of(
    award: Award, ledger: Ledger, contributions: list[CofinanceContribution]
) -> GrantFigures:
    """``figures.grant_figures`` for one award, from the rows the page already holds (the same
    definitions: net disbursed, refunds, co-finance by kind and status)."""
    application = award.application
    f = GrantFigures(
        award.id,
        application.reference or "",
        application.title or "",
        award.currency,
        award.amount,
        disbursed=sum((r.award_amount for r in ledger.rows), ZERO),
        refunded=ledger.refunded,
    )
    for c in contributions:
        if c.status == "rejected":
            continue
        verified = c.status == "verified"
        if c.counts_as == "cost_share":
            f.reported_cost_share += c.amount
            f.verified_cost_share += c.amount if verified else ZERO
        elif c.counts_as == "leverage":
            f.reported_leverage += c.amount
            f.verified_leverage += c.amount if verified else ZERO
    for k in award.commitments:
        if k.counts_as == "cost_share":
            f.committed_cost_share += k.amount
        elif k.counts_as == "leverage":
            f.committed_leverage += k.amount
    return f
