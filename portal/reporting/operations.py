"""Exchange rates: record one (finance officers and administrators), find the one to use.

``record_rate`` validates, adds, audits and flushes; it never commits (the request's unit of
work does). Bad input raises ``InputError`` with a translated message per field and changes
nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from portal.audit.operations import record
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance.constants import RATE_SOURCES
from portal.finance.deadlines import today
from portal.finance.rates import parse_rate
from portal.reporting.models import RATE_PRECISION, RATE_SCALE, ExchangeRate

BASE, QUOTE = "USD", "MXN"
RATE_LIMIT = Decimal(10) ** (RATE_PRECISION - RATE_SCALE)
# The current peso (1 new peso = 1,000 old ones) began on 1993-01-01: earlier rates are in
# another unit. Banxico's FIX of one day applies to the next business day(s), so a rate is
# known a few days ahead at most.
FIRST_RATE_DAY = date(1993, 1, 1)
DAYS_AHEAD = 7


def _problems(rate_on: date | None, rate: Decimal | None, source: str | None) -> dict:
    errors: dict[str, list] = {}
    if rate_on is None:
        errors["rate_on"] = [_l("Enter the day the rate applies to.")]
    elif rate_on < FIRST_RATE_DAY:
        errors["rate_on"] = [
            _l(
                "Enter a day from %(first)s on: earlier rates are in old pesos.",
                first=FIRST_RATE_DAY.isoformat(),
            )
        ]
    elif rate_on > today() + timedelta(days=DAYS_AHEAD):
        errors["rate_on"] = [
            _l(
                "A rate cannot be recorded more than %(days)s days ahead: check the year.",
                days=DAYS_AHEAD,
            )
        ]
    if rate is None:
        errors["rate"] = [_l("Enter the rate: how many Mexican pesos one US dollar buys.")]
    elif rate <= 0:
        errors["rate"] = [_l("The rate must be greater than zero.")]
    elif rate >= RATE_LIMIT:
        errors["rate"] = [_l("This rate is too large.")]
    elif rate.as_tuple().exponent < -RATE_SCALE:
        errors["rate"] = [_l("Use at most six decimal places.")]
    if source not in RATE_SOURCES:
        errors["source"] = [_l("Say where the rate comes from.")]
    return errors


def _duplicate(rate_on: date) -> InputError:
    return InputError(
        {
            "rate_on": [
                _l(
                    "A %(pair)s rate is already recorded for %(day)s.",
                    pair=f"{BASE}/{QUOTE}",
                    day=rate_on.isoformat(),
                )
            ]
        }
    )


def record_rate(actor, *, rate_on: date | None, rate: Decimal | str | None, source: str | None):
    """Store ``1 USD = rate MXN`` on ``rate_on``; one rate per day (a second one is refused).
    ``rate`` may be the text typed in the form: every problem is reported at once."""
    typed_error: dict = {}
    if isinstance(rate, str):
        try:
            rate = parse_rate(rate)
        except InputError as error:
            typed_error, rate = error.errors, None
    errors = {**_problems(rate_on, rate, source), **typed_error}  # the typing error wins
    if errors:
        raise InputError(errors)
    exists = select(ExchangeRate.id).filter_by(base=BASE, quote=QUOTE, rate_on=rate_on)
    if db.session.scalar(exists) is not None:
        raise _duplicate(rate_on)
    row = ExchangeRate(
        base=BASE, quote=QUOTE, rate_on=rate_on, rate=rate, source=source, recorded_by_id=actor.id
    )
    try:
        with db.session.begin_nested():  # a concurrent officer recorded the same day
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise _duplicate(rate_on) from None
    record(
        "exchange_rate.recorded",
        row,
        changes={"pair": f"{BASE}/{QUOTE}", "rate_on": rate_on, "rate": rate, "source": source},
        organisation_id=None,
    )
    return row


def latest_rate_query(on: date, base: str = BASE, quote: str = QUOTE):
    """The latest rate of the pair recorded on or before ``on`` (one statement)."""
    return (
        select(ExchangeRate)
        .where(ExchangeRate.base == base, ExchangeRate.quote == quote, ExchangeRate.rate_on <= on)
        .order_by(ExchangeRate.rate_on.desc())
        .limit(1)
        .options(lazyload(ExchangeRate.recorded_by))  # not needed: saves the user's roles
    )


def latest_rate(on: date, base: str = BASE, quote: str = QUOTE) -> ExchangeRate | None:
    return db.session.scalar(latest_rate_query(on, base, quote))


def withdraw_rate(actor, rate: ExchangeRate, reason: str) -> None:
    """Remove a mistaken rate (a typo would otherwise convert every later period). The ledger
    never uses these rates, only the dashboard's combined figures; the audit entry keeps the
    withdrawn values and the reason, and the day can then be recorded again."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError({"reason": [_l("Say why the rate is withdrawn.")]})
    record(
        "exchange_rate.withdrawn",
        rate,
        changes={
            "pair": f"{rate.base}/{rate.quote}",
            "rate_on": rate.rate_on,
            "rate": rate.rate,
            "source": rate.source,
            "reason": reason,
        },
        organisation_id=None,
    )
    db.session.delete(rate)
    db.session.flush()
