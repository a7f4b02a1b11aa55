"""The call budget and the programme envelope are never over-committed.

Inside the caller's transaction we lock the programme row, then the call row (always in this
order, so two transactions never wait for each other crosswise), sum the committed awards and
refuse if the new amount does not fit. A second transaction awarding at the same moment waits
on the programme lock until the first commits, then sees its award in the sum. On SQLite
``FOR UPDATE`` is ignored, but SQLite serialises writers anyway.

Awards waiting for a second approval are counted (reserved): see ``COMMITTING_STATUSES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.awards.constants import COMMITTING_STATUSES
from portal.calls.models import Call, Programme

ZERO = Decimal("0")


class BudgetExceededError(Exception):
    def __init__(self, scope: str, limit: Decimal, committed: Decimal, amount: Decimal, currency):
        super().__init__(scope, limit, committed, amount)
        self.scope = scope  # "call" or "programme"
        self.limit = limit
        self.committed = committed
        self.amount = amount
        self.currency = currency

    @property
    def available(self) -> Decimal:
        return max(self.limit - self.committed, ZERO)


@dataclass
class Headroom:
    budget: Decimal | None
    committed: Decimal
    envelope: Decimal
    programme_committed: Decimal

    @property
    def call_available(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def programme_available(self) -> Decimal:
        return self.envelope - self.programme_committed


def committed(
    session: Session,
    *,
    call_id: int | None = None,
    programme_id: int | None = None,
    exclude_award_id: int | None = None,
) -> Decimal:
    from portal.awards.models import Award

    stmt = select(func.coalesce(func.sum(Award.amount), 0)).where(
        Award.status.in_(COMMITTING_STATUSES)
    )
    if call_id is not None:
        stmt = stmt.where(Award.call_id == call_id)
    if programme_id is not None:
        stmt = stmt.where(Award.programme_id == programme_id)
    if exclude_award_id is not None:
        stmt = stmt.where(Award.id != exclude_award_id)
    return Decimal(str(session.scalar(stmt))).quantize(Decimal("0.01"))


def headroom(session: Session, call: Call) -> Headroom:
    """What is committed and left (read only, no locks: for display)."""
    programme = call.programme
    return Headroom(
        budget=call.budget,
        committed=committed(session, call_id=call.id),
        envelope=programme.envelope,
        programme_committed=committed(session, programme_id=programme.id),
    )


def lock_and_check(
    session: Session, call_id: int, amount: Decimal, exclude_award_id: int | None = None
) -> None:
    """Lock programme then call, and raise ``BudgetExceededError`` if ``amount`` (the new or
    changed award, ``exclude_award_id`` being its old row) does not fit. Writes nothing; the
    caller inserts or updates the award in the same transaction before committing."""
    programme_id = session.scalar(select(Call.programme_id).where(Call.id == call_id))
    programme = session.scalar(
        select(Programme).where(Programme.id == programme_id).with_for_update()
    )
    call = session.scalar(select(Call).where(Call.id == call_id).with_for_update(of=Call))
    if call.budget is not None:
        used = committed(session, call_id=call.id, exclude_award_id=exclude_award_id)
        if used + amount > call.budget:
            raise BudgetExceededError("call", call.budget, used, amount, call.currency)
    used = committed(session, programme_id=programme.id, exclude_award_id=exclude_award_id)
    if used + amount > programme.envelope:
        raise BudgetExceededError("programme", programme.envelope, used, amount, call.currency)
