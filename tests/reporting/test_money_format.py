"""``core.i18n.format_money`` takes a fast path for es_MX and en (issue 18): it must give
exactly Babel's ``format_currency`` output, character for character."""

from __future__ import annotations

import random
from decimal import Decimal

from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.i18n import MONEY_PATTERN, format_money

LOCALES = ("es_MX", "en", "es", "fr_FR", "de_DE")


def babel(amount, currency, locale):
    return format_currency(
        Decimal(amount), currency, MONEY_PATTERN, locale=locale, currency_digits=False
    )


EDGES = [
    "0",
    "-0",
    "0.00",
    "-0.00",
    "0.004",
    "-0.004",
    "0.005",
    "-0.005",
    "0.015",
    "0.025",
    "-0.015",
    "1",
    "-1",
    "999.995",
    "999.994",
    "-999.995",
    "1000",
    "1234567.891",
    "-1234567.5",
    "0.1",
    "1E+3",
    "1E-7",
    "-1E-7",
    "12345678901234567890.12",
    "99999999999.99",
    "0.50",
    "1.005",
    "2.675",
    "-2.675",
    "300000.00",
    "NaN",
    "Infinity",
    "-Infinity",
]


def test_edges_in_every_locale():
    for locale in LOCALES:
        for currency in ("MXN", "USD"):
            for text in EDGES:
                amount = Decimal(text)
                assert format_money(amount, currency, locale) == babel(amount, currency, locale), (
                    text,
                    currency,
                    locale,
                )


def test_many_random_amounts():
    rng = random.Random(18)
    for _ in range(4000):
        places = rng.randrange(0, 7)
        amount = Decimal(rng.randrange(-(10**12), 10**12)).scaleb(-places)
        currency = rng.choice(("MXN", "USD"))
        locale = rng.choice(("es_MX", "en"))
        assert format_money(amount, currency, locale) == babel(amount, currency, locale)


def test_ints_and_none():
    assert format_money(None, "MXN") == "—"
    for value in (0, 5, -5, 1234567, -(10**15)):
        for locale in ("es_MX", "en"):
            assert format_money(value, "USD", locale) == babel(value, "USD", locale)


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15),
    st.sampled_from(("MXN", "USD")),
    st.sampled_from(("es_MX", "en")),
)
def test_property_same_as_babel(amount, currency, locale):
    assert format_money(amount, currency, locale) == babel(amount, currency, locale)
