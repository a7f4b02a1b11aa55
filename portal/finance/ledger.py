"""Recording disbursements: one short transaction, a row lock on the award (and the milestone)
only, so officers paying different grants never wait for each other.

Guard, checked after the locks are held (a concurrent recorder waits, then sees our row):
- net paid on the award (signed award-currency equivalents) ≤ award amount;
- net paid on the milestone + advance liquidated against it ≤ milestone amount;
- net paid on the payment request ≤ its approved amount.
A resubmitted form carries the same ``idempotency_key`` (UNIQUE): the entry is recorded once
and the existing one is returned (the INSERT runs in a SAVEPOINT so a duplicate only rolls that
back). Corrections are reversing entries; nothing is ever updated or deleted.
Unspent funds the grantee returns are a refund: its own negative entry (``refund``), within
what was disbursed net; it may settle (part of) an outstanding advance, whose balance is then
advance − liquidations − refunds against it. A refund not tied to an advance never touches the
money still held as outstanding advances (that money is settled against milestones or refunded
against its advance, never both).
A grant whose bank account was changed by an amendment pays nothing until a finance officer
verifies the new account, and then only to it (``portal.awards.amendments.bank_accounts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.awards.amendments import bank_accounts
from portal.awards.models import Award, Milestone
from portal.core.db import db
from portal.finance import clabe as clabe_mod
from portal.finance.constants import RATE_SOURCES, Kind
from portal.finance.models import AdvanceLiquidation, Disbursement, PaymentRequest

CENT = Decimal("0.01")


class LedgerError(Exception):
    """Refused entry. ``errors`` maps form field names ("" = the whole form) to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Entry:
    """What the officer typed (already parsed by the form)."""

    paid_on: date
    amount: Decimal
    currency: str
    bank_reference: str
    clabe: str
    idempotency_key: str
    exchange_rate: Decimal | None = None
    rate_source: str | None = None
    note: str = ""


def to_award_currency(amount: Decimal, rate: Decimal | None) -> Decimal:
    value = amount if rate is None else amount * rate
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def existing(key: str, s=None) -> Disbursement | None:
    return (s or db.session).scalar(select(Disbursement).filter_by(idempotency_key=key))


def _validate(entry: Entry, award_currency: str) -> None:
    errors: dict[str, list] = {}
    if entry.amount is None or entry.amount <= 0:
        errors["amount"] = [_l("The amount must be greater than zero.")]
    elif entry.amount != entry.amount.quantize(CENT):
        errors["amount"] = [_l("Amounts have at most two decimals.")]
    problem = clabe_mod.problem(entry.clabe)
    if problem:
        errors["clabe"] = [problem]
    if not (entry.bank_reference or "").strip():
        errors["bank_reference"] = [_l("Enter the bank reference of the transfer.")]
    if entry.currency != award_currency:
        if not entry.exchange_rate or entry.exchange_rate <= 0:
            errors["exchange_rate"] = [
                _l("Paid in another currency than the award: enter the exchange rate.")
            ]
        if entry.rate_source not in RATE_SOURCES:
            errors["rate_source"] = [_l("Say where the exchange rate comes from.")]
    if errors:
        raise LedgerError(errors)


def lock_award(award_id: int, s=None) -> tuple[Decimal, str]:
    """``SELECT ... FOR UPDATE`` on the award row only (no joins): amount and currency."""
    row = (
        (s or db.session)
        .execute(select(Award.amount, Award.currency).where(Award.id == award_id).with_for_update())
        .one()
    )
    return row.amount, row.currency


def refuse_closed(award_id: int, s=None) -> None:
    """Under the award's lock: a grant closed meanwhile (its closure took the same lock) takes
    no more entries (``portal.awards.closure``)."""
    from portal.awards.closure import CLOSED_MESSAGE
    from portal.awards.constants import AwardStatus

    status = (s or db.session).scalar(select(Award.status).where(Award.id == award_id))
    if status == AwardStatus.CLOSED.value:
        raise LedgerError({"": [CLOSED_MESSAGE]})


def lock_milestone(milestone_id: int, s=None) -> Decimal:
    return (
        (s or db.session)
        .execute(select(Milestone.amount).where(Milestone.id == milestone_id).with_for_update())
        .scalar_one()
    )


def _net(*where, s=None) -> Decimal:
    return (s or db.session).scalar(
        select(func.coalesce(func.sum(Disbursement.award_amount), 0)).where(*where)
    ) or Decimal("0")


def liquidated_on(milestone_id: int, s=None) -> Decimal:
    return (s or db.session).scalar(
        select(func.coalesce(func.sum(AdvanceLiquidation.amount), 0)).where(
            AdvanceLiquidation.milestone_id == milestone_id
        )
    ) or Decimal("0")


def paid_on_award(award_id: int, s=None) -> Decimal:
    return Decimal(_net(Disbursement.award_id == award_id, s=s))


def paid_on_milestone(milestone_id: int, s=None) -> Decimal:
    return Decimal(_net(Disbursement.milestone_id == milestone_id, s=s))


def paid_on_request(request_id: int, s=None) -> Decimal:
    return Decimal(_net(Disbursement.request_id == request_id, s=s))


def _over(message, remaining: Decimal, currency: str) -> LedgerError:
    from portal.core.i18n import format_money

    return LedgerError({"amount": [message % {"remaining": format_money(remaining, currency)}]})


def _check_caps(s, award_id, award_amount, currency, milestone_id, request, value) -> None:
    remaining = award_amount - paid_on_award(award_id, s)
    if value > remaining:
        raise _over(
            _l("Over-payment refused: only %(remaining)s of the award is left."),
            remaining,
            currency,
        )
    if milestone_id is not None:
        cap = lock_milestone(milestone_id, s) - liquidated_on(milestone_id, s)
        left = cap - paid_on_milestone(milestone_id, s)
        if value > left:
            raise _over(
                _l("Over-payment refused: only %(remaining)s of this milestone is left."),
                left,
                currency,
            )
    if request is not None:
        left = request.approved_amount - paid_on_request(request.id, s)
        if value > left:
            raise _over(
                _l("Over-payment refused: only %(remaining)s of the approved payment is left."),
                left,
                currency,
            )


def record(
    award_id: int,
    entry: Entry,
    actor,
    *,
    kind: Kind = Kind.PAYMENT,
    milestone_id: int | None = None,
    request: PaymentRequest | None = None,
    extra_check=None,
    session=None,
) -> tuple[Disbursement, bool]:
    """Record a payment or advance. Returns (entry, created); created is False when the same
    idempotency key was already recorded (the form was submitted twice)."""
    s = session or db.session
    found = existing(entry.idempotency_key, s)
    if found is not None:
        return found, False
    award_amount, award_currency = lock_award(award_id, s)
    found = existing(entry.idempotency_key, s)  # a twin submission committed while we waited
    if found is not None:
        return found, False
    refuse_closed(award_id, s)
    _validate(entry, award_currency)
    held = bank_accounts.payment_refusal(award_id, entry.clabe, s)
    if held:  # a changed bank account not yet verified, or another account than the grant's
        raise LedgerError(held)
    rate = entry.exchange_rate if entry.currency != award_currency else None
    value = to_award_currency(entry.amount, rate)
    _check_caps(s, award_id, award_amount, award_currency, milestone_id, request, value)
    if extra_check is not None:
        extra_check(value)
    row = Disbursement(
        award_id=award_id,
        milestone_id=milestone_id,
        request_id=request.id if request is not None else None,
        kind=kind.value,
        paid_on=entry.paid_on,
        amount=entry.amount,
        currency=entry.currency,
        exchange_rate=rate,
        rate_source=entry.rate_source if rate is not None else None,
        award_amount=value,
        award_currency=award_currency,
        bank_reference=entry.bank_reference.strip(),
        clabe=clabe_mod.normalise(entry.clabe),
        note=entry.note,
        idempotency_key=entry.idempotency_key,
        recorded_by_id=actor.id,
    )
    return _insert(row, s)


def _insert(row: Disbursement, s=None) -> tuple[Disbursement, bool]:
    s = s or db.session
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        found = existing(row.idempotency_key, s)
        if found is None:
            raise
        return found, False
    return row, True


def reversal_of(disbursement_id: int) -> Disbursement | None:
    return db.session.scalar(select(Disbursement).filter_by(reverses_id=disbursement_id))


def reverse(
    original: Disbursement, actor, *, paid_on: date, bank_reference: str, note: str, key: str
):
    """A reversing entry (the negative of ``original``); an entry is reversed at most once."""
    found = existing(key)
    if found is not None:
        return found, False
    lock_award(original.award_id)
    found = existing(key)
    if found is not None:
        return found, False
    refuse_closed(original.award_id)
    errors: dict[str, list] = {}
    if original.kind == Kind.REVERSAL.value:
        errors[""] = [_l("A reversing entry cannot itself be reversed.")]
    elif reversal_of(original.id) is not None:
        errors[""] = [_l("This entry was already reversed.")]
    elif original.kind == Kind.REFUND.value:
        errors[""] = [
            _l("A refund is not reversed: the grantee's money was received. Record a payment.")
        ]
    elif original.kind == Kind.ADVANCE.value and _liquidated_from(original.id) > 0:
        errors[""] = [_l("This advance was already liquidated against milestones.")]
    elif original.kind == Kind.ADVANCE.value and refunded_from(original.id) > 0:
        errors[""] = [_l("Part of this advance was already refunded.")]
    elif original.kind == Kind.PAYMENT.value and original.award_amount > _reversible(
        original.award_id
    ):
        errors[""] = [
            _l("Refunds already returned part of this money: it cannot also be reversed.")
        ]
    if not (note or "").strip():
        errors["note"] = [_l("Explain why the entry is reversed.")]
    if errors:
        raise LedgerError(errors)
    row = Disbursement(
        award_id=original.award_id,
        milestone_id=original.milestone_id,
        request_id=original.request_id,
        kind=Kind.REVERSAL.value,
        reverses_id=original.id,
        paid_on=paid_on,
        amount=-original.amount,
        currency=original.currency,
        exchange_rate=original.exchange_rate,
        rate_source=original.rate_source,
        award_amount=-original.award_amount,
        award_currency=original.award_currency,
        bank_reference=(bank_reference or original.bank_reference).strip(),
        clabe=original.clabe,
        note=note.strip(),
        idempotency_key=key,
        recorded_by_id=actor.id,
    )
    return _insert(row)


def _reversible(award_id: int) -> Decimal:
    """How much of the payments may still be reversed: the net paid less the advances still
    outstanding (refunds already returned the rest; reversing it too would count it twice)."""
    return paid_on_award(award_id) - outstanding_advances(award_id)


def _liquidated_from(advance_id: int, s=None) -> Decimal:
    return (s or db.session).scalar(
        select(func.coalesce(func.sum(AdvanceLiquidation.amount), 0)).where(
            AdvanceLiquidation.advance_id == advance_id
        )
    ) or Decimal("0")


# Refunds --------------------------------------------------------------------------------------
def refunded_from(advance_id: int, s=None) -> Decimal:
    """What refunds have returned of this advance (positive, award currency)."""
    total = (s or db.session).scalar(
        select(func.coalesce(func.sum(Disbursement.award_amount), 0)).where(
            Disbursement.advance_id == advance_id, Disbursement.kind == Kind.REFUND.value
        )
    )
    return -Decimal(total or 0)


def advance_balance(advance: Disbursement, s=None) -> Decimal:
    """Still outstanding of an advance: the advance − liquidations − refunds against it."""
    return advance.award_amount - _liquidated_from(advance.id, s) - refunded_from(advance.id, s)


def live_advances(award_id: int, s=None) -> list[Disbursement]:
    """The award's advances that were not reversed, oldest first."""
    reversed_ids = select(Disbursement.reverses_id).where(Disbursement.reverses_id.is_not(None))
    return list(
        (s or db.session).scalars(
            select(Disbursement)
            .where(
                Disbursement.award_id == award_id,
                Disbursement.kind == Kind.ADVANCE.value,
                Disbursement.id.not_in(reversed_ids),
            )
            .order_by(Disbursement.id)
        )
    )


def outstanding_advances(award_id: int, s=None) -> Decimal:
    return sum((advance_balance(a, s) for a in live_advances(award_id, s)), Decimal("0"))


def refunded_on_award(award_id: int, s=None) -> Decimal:
    """Refunds received on the award in all (positive, award currency)."""
    return -Decimal(
        _net(Disbursement.award_id == award_id, Disbursement.kind == Kind.REFUND.value, s=s)
    )


def _refund_cap(s, award_id: int, advance_id: int | None, currency: str) -> Decimal:
    """How much may be refunded now (under the award lock): against an advance, its balance;
    otherwise what was disbursed net less the advances still outstanding."""
    if advance_id is None:
        return paid_on_award(award_id, s) - outstanding_advances(award_id, s)
    advance = (s or db.session).get(Disbursement, advance_id)
    live = {a.id for a in live_advances(award_id, s)}
    if advance is None or advance.award_id != award_id or advance.id not in live:
        raise LedgerError({"advance_id": [_l("Choose an outstanding advance of this grant.")]})
    return min(advance_balance(advance, s), paid_on_award(award_id, s))


def refund(
    award_id: int, entry: Entry, actor, *, advance_id: int | None = None, session=None
) -> tuple[Disbursement, bool]:
    """Record unspent funds returned by the grantee: a negative entry of its own, within what
    may be refunded (``_refund_cap``). The same idempotency key records once."""
    s = session or db.session
    found = existing(entry.idempotency_key, s)
    if found is not None:
        return found, False
    _award_amount, award_currency = lock_award(award_id, s)
    found = existing(entry.idempotency_key, s)
    if found is not None:
        return found, False
    refuse_closed(award_id, s)
    _validate(entry, award_currency)
    rate = entry.exchange_rate if entry.currency != award_currency else None
    value = to_award_currency(entry.amount, rate)
    cap = _refund_cap(s, award_id, advance_id, award_currency)
    if value > cap:
        message = (
            _l("Refund refused: only %(remaining)s of this advance is outstanding.")
            if advance_id is not None
            else _l(
                "Refund refused: at most %(remaining)s may be refunded (disbursed net, less"
                " the advances still outstanding: refund those against their advance)."
            )
        )
        raise _over(message, max(cap, Decimal("0")), award_currency)
    row = Disbursement(
        award_id=award_id,
        kind=Kind.REFUND.value,
        advance_id=advance_id,
        paid_on=entry.paid_on,
        amount=-entry.amount,
        currency=entry.currency,
        exchange_rate=rate,
        rate_source=entry.rate_source if rate is not None else None,
        award_amount=-value,
        award_currency=award_currency,
        bank_reference=entry.bank_reference.strip(),
        clabe=clabe_mod.normalise(entry.clabe),
        note=entry.note,
        idempotency_key=entry.idempotency_key,
        recorded_by_id=actor.id,
    )
    return _insert(row, s)
