"""Amount change: a new award amount, up or down.

- An **increase** passes the award's budget guard (``portal.awards.budget_guard``: the call's
  budget and the programme's envelope). It is checked when the amendment is drafted, submitted
  and approved, and again under the programme and call locks when it takes effect
  (:func:`lock_for_increase`), so two increases at once never over-commit (PostgreSQL).
  Raising the award to above the second-approval threshold needs a **second** grants manager,
  as an award of that size would (``portal.awards.operations.decisions``).
- A **decrease** never goes below what is paid plus what pending payment requests commit
  (``payments.floor``, checked again under the award's row lock when it takes effect), nor
  below the advance limit.
- The payment schedule must still fit: for a fixed amount award the milestones add up to the
  award, so the same amendment changes the milestone schedule (``kinds/milestones.py``).

On effect ``Award.amount`` changes; the finance figures, payment caps and exports read it.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.validators import Optional

from portal.awards import budget_guard
from portal.awards.amendments import payments
from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.awards.amounts_in_words import figures
from portal.awards.models import Award
from portal.awards.operations.decisions import budget_message, threshold
from portal.calls.constants import Instrument
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.fields import MoneyField

KEY = ChangeKind.AMOUNT.value
TEMPLATE = "awards/amendments/kinds/amount.html"
FIELD = "new_amount"


class Fields:
    new_amount = MoneyField(
        _l("New award amount"),
        validators=[Optional()],
        description=_l(
            "For an amount change. An increase must fit the call's budget; a decrease cannot go "
            "below what is paid or committed in payment requests."
        ),
    )


def _pair(changes: dict) -> tuple[Decimal, Decimal] | None:
    pair = (changes or {}).get("amount")
    return (Decimal(pair[0]), Decimal(pair[1])) if pair else None


def requested(changes: dict) -> dict:
    pair = _pair(changes)
    return {FIELD: pair[1]} if pair else {}


def new_amount(award, data: dict) -> Decimal | None:
    """The amount the award will have if this amendment carries a valid amount change."""
    if KEY in data.get("kinds", ()) and isinstance(data.get(FIELD), Decimal):
        return data[FIELD]
    return None


def validate(award, data: dict, errors: dict) -> dict:
    new = data.get(FIELD)
    if new is None or new <= 0:
        message = _("Enter the new amount of the award.")
    elif new == award.amount:
        message = _(
            "The new amount must differ from the current amount (%(amount)s).",
            amount=figures(award.amount, award.currency),
        )
    elif new > award.amount:
        message = _increase_refusal(award, new)
    else:
        message = _decrease_refusal(award, new)
    message = message or _schedule_refusal(award, new, data)
    if message:
        errors[FIELD] = [message]
        return {}
    return {"amount": [str(award.amount), str(new)]}


def _increase_refusal(award, new: Decimal) -> str | None:
    """The budget guard's question, without locks (the locked check runs on effect)."""
    session = db.session
    call = award.application.call
    error = None
    if call.budget is not None:
        used = budget_guard.committed(session, call_id=call.id, exclude_award_id=award.id)
        if used + new > call.budget:
            error = budget_guard.BudgetExceededError("call", call.budget, used, new, call.currency)
    if error is None:
        envelope = call.programme.envelope
        used = budget_guard.committed(
            session, programme_id=award.programme_id, exclude_award_id=award.id
        )
        if used + new > envelope:
            error = budget_guard.BudgetExceededError(
                "programme", envelope, used, new, call.currency
            )
    return budget_message(error) if error else None


def _decrease_refusal(award, new: Decimal) -> str | None:
    paid, pending = payments.paid(award.id), payments.pending(award.id)
    if new < paid + pending:
        return _(
            "The award cannot be cut below %(floor)s: %(paid)s is already paid and %(pending)s "
            "is committed in payment requests under way.",
            floor=figures(paid + pending, award.currency),
            paid=figures(paid, award.currency),
            pending=figures(pending, award.currency),
        )
    if award.advance_limit is not None and new < award.advance_limit:
        return _(
            "The award cannot be cut below its advance limit of %(limit)s.",
            limit=figures(award.advance_limit, award.currency),
        )
    return None


def _schedule_refusal(award, new: Decimal, data: dict) -> str | None:
    """Without a milestone schedule change in the same amendment, the current schedule must
    still fit the new amount (exactly, for a fixed amount award)."""
    if ChangeKind.MILESTONES.value in data.get("kinds", ()) or not award.milestones:
        return None
    total = award.scheduled_total
    exact = award.instrument == Instrument.FIXED_AMOUNT
    if (exact and total != new) or total > new:
        return _(
            "The milestones add up to %(total)s: change the milestone schedule in the same "
            "amendment so that they add up to the new amount.",
            total=figures(total, award.currency),
        )
    return None


def needs_second_approval(amendment) -> bool:
    """An increase to above the threshold, like an award of that size."""
    pair = _pair(amendment.changes)
    if pair is None:
        return False
    old, new = pair
    return new > old and new > threshold(amendment.award.application.call.programme)


def lock_for_increase(session: Session, award, new: Decimal) -> None:
    """Lock the programme, then the call, and raise ``BudgetExceededError`` unless ``new``
    (replacing the award's current amount) fits; the caller updates the award in the same
    transaction."""
    budget_guard.lock_and_check(session, award.call_id, new, exclude_award_id=award.id)


def apply(amendment, award, user) -> dict:
    pair = _pair(amendment.changes)
    if pair is None:
        return {}
    new = pair[1]
    old = award.amount
    if new > old:
        try:
            lock_for_increase(db.session, award, new)
        except budget_guard.BudgetExceededError as error:
            raise InputError({"": [budget_message(error)]}) from None
    elif new < old:
        # Finance takes the same row lock before paying: the floor cannot move under us.
        db.session.execute(select(Award.id).where(Award.id == award.id).with_for_update())
        if refusal := _decrease_refusal(award, new):
            raise InputError({"": [refusal]})
    award.amount = new
    return {"amount": [old, new]}


def describe(amendment) -> list:
    pair = _pair(amendment.changes)
    if pair is None:
        return []
    currency = amendment.award.currency
    return [Change(str(_("Award amount")), figures(pair[0], currency), figures(pair[1], currency))]
