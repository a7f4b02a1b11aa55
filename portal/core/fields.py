"""The portal's form field types: every form uses these instead of WTForms' own.

WTForms' fields store whatever the request carries: control characters in text (PostgreSQL
refuses NUL), ``int("99999999999999999999")`` (beyond any integer column), ``Decimal("NaN")``
(every comparison then raises) and, in the portal's old money field, "1,5" read as 15.00. Here
each field refuses such input with a message on the field itself, so the page re-renders with
the error and nothing is saved. ``tests/foundation/test_form_fields.py`` checks that every form
of the portal is built from these classes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms.widgets import TextInput

from portal.core.text import (
    GROUPED_AMOUNT,
    MAX_INT,
    PLAIN_DECIMAL,
    PLAIN_INTEGER,
    code_point,
    first_control_character,
    normalise_newlines,
)

MONEY_LIMIT = Decimal(10) ** 12  # Numeric(14, 2)
NUMBER_LIMIT = Decimal(10) ** 9


class _CheckedText:
    """Text without control characters (tab and newline allowed in multi-line text).

    A refused character is removed from the value shown again, so the person sees the message,
    checks the text and sends it again; the refused request itself saves nothing."""

    multiline = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if not isinstance(self.data, str):
            return
        text = normalise_newlines(self.data) if self.multiline else self.data
        char = first_control_character(text, multiline=self.multiline)
        self.data = text
        if char is None:
            return
        self.data = "".join(c for c in text if first_control_character(c, self.multiline) is None)
        if self.raw_data:
            self.raw_data = [self.data]
        raise ValueError(
            _l(
                "This text contained a control character (%(code)s) that cannot be stored. It "
                "has been removed: check the text and send it again.",
                code=code_point(char),
            )
        )


class StringField(_CheckedText, wtforms.StringField):
    pass


class TextAreaField(_CheckedText, wtforms.TextAreaField):
    multiline = True


class EmailField(_CheckedText, wtforms.EmailField):
    pass


class PasswordField(_CheckedText, wtforms.PasswordField):
    pass


class HiddenField(_CheckedText, wtforms.HiddenField):
    pass


class SearchField(_CheckedText, wtforms.SearchField):
    pass


# Dates a grant can involve; beyond them date arithmetic (a day after 9999-12-31) overflows.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


class _BoundedDate:
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        day = self.data.date() if hasattr(self.data, "date") else self.data
        if day is not None and not EARLIEST <= day <= LATEST:
            self.data = None
            raise ValueError(
                _l(
                    "Enter a date between %(first)s and %(last)s.",
                    first=EARLIEST.year,
                    last=LATEST.year,
                )
            )


class DateField(_BoundedDate, wtforms.DateField):
    pass


class DateTimeLocalField(_BoundedDate, wtforms.DateTimeLocalField):
    pass


class IntegerField(wtforms.IntegerField):
    """A whole number in ASCII digits that fits PostgreSQL's ``integer`` (blank → None);
    ``limit`` raises the bound for a ``BigInteger`` column."""

    def __init__(self, *args, limit: int = MAX_INT, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def process_formdata(self, valuelist):
        self.data = None
        raw = str(valuelist[0] if valuelist else "").strip()  # JSON bodies carry numbers
        if not raw:
            if valuelist:
                raise ValueError(self.gettext("Not a valid integer value."))
            return
        if not PLAIN_INTEGER.fullmatch(raw):
            raise ValueError(self.gettext("Not a valid integer value."))
        if len(raw) > 20:  # int() refuses over 4,300 digits; any such number is too large
            raise ValueError(_l("This number is too large."))
        value = int(raw)
        if abs(value) > self.limit:
            raise ValueError(_l("This number is too large."))
        self.data = value


class DecimalField(wtforms.DecimalField):
    """A finite decimal typed in plain ASCII digits, below ``limit`` in size (blank → None).

    ``decimal_comma=True`` also reads "3,5" as 3.5 (Spanish style) when there is no point, for
    small numbers such as scores; elsewhere a comma is refused rather than guessed."""

    message = None  # a typed value that is not a plain number (None: WTForms' own message)
    too_large = _l("This number is too large.")

    def __init__(self, *args, limit: Decimal = NUMBER_LIMIT, decimal_comma: bool = False, **kw):
        super().__init__(*args, **kw)
        self.limit, self.decimal_comma = Decimal(limit), decimal_comma

    def process_formdata(self, valuelist):
        self.data = None
        raw = valuelist[0] if valuelist else None
        raw = "" if raw is None else str(raw).strip()  # JSON bodies carry numbers
        if not raw:
            if valuelist:  # only blanks: as empty for InputRequired too
                self.raw_data = [""]
            return
        self.data = self.parse(raw)

    def parse(self, raw: str) -> Decimal:
        if self.decimal_comma and "," in raw:
            raw = raw.replace(",", "") if "." in raw else raw.replace(",", ".")
        if not PLAIN_DECIMAL.fullmatch(raw):
            raise ValueError(self.message or self.gettext("Not a valid decimal value."))
        value = Decimal(raw)
        if abs(value) >= self.limit:
            raise ValueError(self.too_large)
        return value


class MoneyField(DecimalField):
    """An amount typed as "1,500,000.00": grouping commas only between thousands, a point for
    the cents, at most two decimals; a leading "$" is ignored. "1,5" is refused, not read as 15.

    Rendered as a text input with a decimal keypad: a number input would refuse the commas."""

    widget = TextInput()
    message = too_large = _l("Enter an amount such as 150000.00.")

    def __init__(self, *args, **kwargs):
        extra = kwargs.pop("render_kw", None) or {}
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **extra}
        kwargs.setdefault("limit", MONEY_LIMIT)
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def parse(self, raw: str) -> Decimal:
        sign = raw[0] if raw[0] in "+-" else ""
        raw = raw[len(sign) :].strip()
        raw = raw[1:].strip() if raw.startswith("$") else raw
        if "," in raw and not GROUPED_AMOUNT.fullmatch(raw):
            raise ValueError(
                _l("Use a point for the cents and commas only between thousands, such as 1,500.50.")
            )
        value = super().parse(sign + raw.replace(",", ""))
        if value.as_tuple().exponent < -2:
            raise ValueError(_l("Use at most two decimal places."))
        return value.quantize(Decimal("0.01"))
