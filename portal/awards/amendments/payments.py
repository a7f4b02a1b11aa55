"""What finance has paid or is about to pay on a grant, read for the amendment checks.

The import contract lets finance import awards, not the reverse, so the finance tables are
named here as plain SQL tables (``sqlalchemy.table``), without importing ``portal.finance``.

- **Paid**: the net of the disbursement ledger (``award_amount`` is signed: reversals are
  negative), in the award's currency.
- **Committed in pending payment requests**: requests submitted, with the deliverable approved
  or the payment approved, each for its approved amount (else the requested one) less what was
  already disbursed against it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import column, func, select, table

from portal.core.db import db

PENDING_REQUEST_STATUSES = ("submitted", "deliverable_approved", "payment_approved")

_disbursements = table(
    "disbursements",
    column("award_id"),
    column("request_id"),
    column("milestone_id"),
    column("award_amount"),
)
_requests = table(
    "payment_requests",
    column("id"),
    column("award_id"),
    column("milestone_id"),
    column("status"),
    column("amount"),
    column("approved_amount"),
)
_liquidations = table("advance_liquidations", column("milestone_id"))
CENT = Decimal("0.01")


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def paid(award_id: int) -> Decimal:
    return _decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(_disbursements.c.award_amount), 0)).where(
                _disbursements.c.award_id == award_id
            )
        )
    )


def pending(award_id: int) -> Decimal:
    already = (
        select(func.coalesce(func.sum(_disbursements.c.award_amount), 0))
        .where(_disbursements.c.request_id == _requests.c.id)
        .scalar_subquery()
    )
    due = func.coalesce(_requests.c.approved_amount, _requests.c.amount) - already
    return _decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(due), 0)).where(
                _requests.c.award_id == award_id,
                _requests.c.status.in_(PENDING_REQUEST_STATUSES),
            )
        )
    )


def floor(award_id: int) -> Decimal:
    """The lowest amount the award may be cut to: paid plus committed in pending requests."""
    return paid(award_id) + pending(award_id)


def milestones_with_payments(milestone_ids) -> set[int]:
    """Of ``milestone_ids``, those a payment request, disbursement or advance liquidation names
    (they cannot be removed from the schedule)."""
    ids = [i for i in milestone_ids if i is not None]
    if not ids:
        return set()
    found: set[int] = set()
    for source in (_requests, _disbursements, _liquidations):
        found |= set(
            db.session.scalars(
                select(source.c.milestone_id).where(source.c.milestone_id.in_(ids)).distinct()
            )
        )
    return found
