"""Reading an exchange rate typed by a person, for disbursements and the stored rates."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from portal.core.errors import InputError

# What a person types: ASCII digits and at most one decimal point. ``Decimal`` alone also reads
# "17_2345" (as 172345), "1.8E1", "NaN" and non-ASCII digits.
PLAIN_RATE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def parse_rate(text: str | None, field: str = "rate") -> Decimal | None:
    """The typed rate as a Decimal (None when empty). A comma is refused rather than guessed:
    "17,2345" is a decimal comma in Spanish but a thousands separator in English, and reading
    it either way silently would pay the wrong amount."""
    raw = (text or "").strip()
    if not raw:
        return None
    if "," in raw:
        raise InputError({field: [_l("Write the rate with a decimal point, such as 17.2345.")]})
    if not PLAIN_RATE.fullmatch(raw):
        raise InputError({field: [_l("Enter a rate such as 17.2345.")]})
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise InputError({field: [_l("Enter a rate such as 17.2345.")]}) from None
