"""What every ledger entry (payment, advance, reversal) shares: its date rule, the refusal
of the ledger as the form's errors, and the changes its audit entry records."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_day
from portal.finance import ledger
from portal.finance.models import Disbursement


def ledger_refused(error: ledger.LedgerError) -> InputError:
    return InputError(error.errors)


def payment_date_problems(award, paid_on: date | None, *, reverses=None) -> list:
    """A ledger entry is dated from the grant's start date to today in the programme's time
    zone (``deadlines.today``): a future date would count as disbursed in a period that has not
    happened yet. A reversing entry is not dated before the entry it reverses."""
    from portal.finance import operations  # "today" as the package has it (tests pin it there)

    if paid_on is None:
        return [_l("Enter the payment date.")]
    latest = operations.today()
    if paid_on > latest:
        return [
            _l(
                "The payment date cannot be in the future: today is %(today)s.",
                today=format_day(latest),
            )
        ]
    if award.start_date and paid_on < award.start_date:
        return [
            _l(
                "The payment date cannot be before the grant's start date (%(start)s).",
                start=format_day(award.start_date),
            )
        ]
    if reverses is not None and paid_on < reverses.paid_on:
        return [
            _l(
                "A correction cannot be dated before the entry it reverses (%(date)s).",
                date=format_day(reverses.paid_on),
            )
        ]
    return []


def check_payment_date(award, paid_on, **kwargs) -> None:
    raise_if({"paid_on": payment_date_problems(award, paid_on, **kwargs)})


def entry_changes(row: Disbursement) -> dict:
    return {
        "kind": row.kind,
        "amount": row.amount,
        "currency": row.currency,
        "award_amount": row.award_amount,
        "request": row.request_id,
        "reverses": row.reverses_id,
    }
