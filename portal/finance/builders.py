"""Row builders for payments and co-finance: payment requests in their state, a recorded
payment, and co-finance contributions. Shared by the demo seed (``portal.demo``) and available
to the tests' factories.

Requests and contributions are inserted directly, already in their state (seeds and fixtures
make no moves); payments go through the real ledger (:func:`portal.finance.ledger.record`).
Nothing commits; no e-mail.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from portal.core.db import db, now_utc
from portal.finance import ledger
from portal.finance.constants import CERTIFICATION_SOURCE, ContributionStatus, RequestStatus
from portal.finance.models import CofinanceContribution, PaymentRequest

NARRATIVE = "Entregable concluido; evidencia adjunta en el informe."


def build_request(
    award,
    milestone,
    signatory,
    *,
    status: str = RequestStatus.SUBMITTED.value,
    certified_dt: datetime | None = None,
    narrative: str = NARRATIVE,
    **columns,
) -> PaymentRequest:
    """A payment request for the whole of ``milestone``, certified by ``signatory`` (at
    ``certified_dt``, default now), in ``status``; ``columns`` add the staff's decisions."""
    request = PaymentRequest(
        award_id=award.id,
        milestone_id=milestone.id,
        status=status,
        narrative=narrative,
        amount=milestone.amount,
        currency=award.currency,
        created_by_id=signatory.id,
        certification_text=CERTIFICATION_SOURCE,
        certified_name=signatory.full_name,
        certified_by_id=signatory.id,
        certified_dt=certified_dt or now_utc(),
        **columns,
    )
    db.session.add(request)
    db.session.flush()
    return request


def build_paid_request(award, milestone, signatory, manager, officer, *, paid_on: date, **entry):
    """A request approved by ``manager`` and ``officer`` and paid in full through the ledger
    (``entry``: clabe, bank_reference, idempotency_key of :class:`ledger.Entry`)."""
    now = now_utc()
    request = build_request(
        award,
        milestone,
        signatory,
        status=RequestStatus.PAID.value,  # seeded paid: its disbursement is recorded below
        certified_dt=now,
        deliverable_by_id=manager.id,
        deliverable_dt=now,
        approved_amount=milestone.amount,
        payment_by_id=officer.id,
        payment_dt=now,
    )
    ledger.record(
        award.id,
        ledger.Entry(paid_on=paid_on, amount=milestone.amount, currency=award.currency, **entry),
        officer,
        milestone_id=milestone.id,
        request=request,
    )
    return request


def build_contribution(
    award,
    reporter,
    *,
    amount: Decimal | str,
    contributed_on: date,
    commitment=None,
    contributor_name: str | None = None,
    nature: str = "cash",
    counts_as: str = "cost_share",
    status: str = ContributionStatus.REPORTED.value,
    verified_by=None,
    reason: str | None = None,
) -> CofinanceContribution:
    """A contribution reported by ``reporter`` against ``commitment`` (its contributor and
    valuation basis) or unassigned (``contributor_name``); verified or rejected by
    ``verified_by`` when ``status`` says so."""
    contribution = CofinanceContribution(
        award_id=award.id,
        commitment_id=commitment.id if commitment else None,
        contributor_name=commitment.contributor_name if commitment else contributor_name,
        nature=nature,
        counts_as=counts_as,
        amount=Decimal(amount),
        currency=award.currency,
        valuation_basis=commitment.valuation_basis if commitment else None,
        contributed_on=contributed_on,
        reported_by_id=reporter.id,
        status=status,
        reason=reason,
    )
    if status != ContributionStatus.REPORTED.value:
        contribution.verified_by_id = verified_by.id
        contribution.verified_dt = now_utc()
    db.session.add(contribution)
    db.session.flush()
    return contribution
