"""Amounts in words as the agreements print them, Spanish and English, MXN and USD.

Spanish shortens "uno" to "un" ("veintiuno" to "veintiún") before *mil*, *millón/millones*
and before the (masculine) currency noun, also inside compounds: "veintiún mil pesos",
"ciento un mil", "veintiún mil millones", "mil un pesos". num2words alone writes
"veintiuno mil", "ciento uno millones"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from portal.awards.amounts_in_words import figures, in_figures_and_words, words

D = Decimal

# amount, currency, Spanish words, English words
TABLE = [
    ("0", "MXN", "cero pesos 00/100 M.N.", "zero pesos 00/100"),
    ("0.01", "MXN", "cero pesos 01/100 M.N.", "zero pesos 01/100"),
    ("1", "MXN", "un peso 00/100 M.N.", "one peso 00/100"),
    ("1.50", "MXN", "un peso 50/100 M.N.", "one peso 50/100"),
    ("2", "MXN", "dos pesos 00/100 M.N.", "two pesos 00/100"),
    ("21", "MXN", "veintiún pesos 00/100 M.N.", "twenty-one pesos 00/100"),
    ("21.00", "MXN", "veintiún pesos 00/100 M.N.", "twenty-one pesos 00/100"),
    ("31", "MXN", "treinta y un pesos 00/100 M.N.", "thirty-one pesos 00/100"),
    ("100", "MXN", "cien pesos 00/100 M.N.", "one hundred pesos 00/100"),
    ("101", "MXN", "ciento un pesos 00/100 M.N.", "one hundred and one pesos 00/100"),
    (
        "121",
        "MXN",
        "ciento veintiún pesos 00/100 M.N.",
        "one hundred and twenty-one pesos 00/100",
    ),
    ("201", "MXN", "doscientos un pesos 00/100 M.N.", "two hundred and one pesos 00/100"),
    ("1000", "MXN", "mil pesos 00/100 M.N.", "one thousand pesos 00/100"),
    ("1001", "MXN", "mil un pesos 00/100 M.N.", "one thousand and one pesos 00/100"),
    ("1021", "MXN", "mil veintiún pesos 00/100 M.N.", "one thousand and twenty-one pesos 00/100"),
    ("21000", "MXN", "veintiún mil pesos 00/100 M.N.", "twenty-one thousand pesos 00/100"),
    ("31000", "MXN", "treinta y un mil pesos 00/100 M.N.", "thirty-one thousand pesos 00/100"),
    (
        "101000",
        "MXN",
        "ciento un mil pesos 00/100 M.N.",
        "one hundred and one thousand pesos 00/100",
    ),
    (
        "121001",
        "MXN",
        "ciento veintiún mil un pesos 00/100 M.N.",
        "one hundred and twenty-one thousand and one pesos 00/100",
    ),
    (
        "150000",
        "MXN",
        "ciento cincuenta mil pesos 00/100 M.N.",
        "one hundred and fifty thousand pesos 00/100",
    ),
    (
        "150000.05",
        "MXN",
        "ciento cincuenta mil pesos 05/100 M.N.",
        "one hundred and fifty thousand pesos 05/100",
    ),
    (
        "201000",
        "MXN",
        "doscientos un mil pesos 00/100 M.N.",
        "two hundred and one thousand pesos 00/100",
    ),
    (
        "999999.99",
        "MXN",
        "novecientos noventa y nueve mil novecientos noventa y nueve pesos 99/100 M.N.",
        "nine hundred and ninety-nine thousand, nine hundred and ninety-nine pesos 99/100",
    ),
    ("1000000", "MXN", "un millón de pesos 00/100 M.N.", "one million pesos 00/100"),
    ("1000001", "MXN", "un millón un pesos 00/100 M.N.", "one million and one pesos 00/100"),
    (
        "1021000",
        "MXN",
        "un millón veintiún mil pesos 00/100 M.N.",
        "one million, twenty-one thousand pesos 00/100",
    ),
    ("2000000", "MXN", "dos millones de pesos 00/100 M.N.", "two million pesos 00/100"),
    ("2000000.50", "MXN", "dos millones de pesos 50/100 M.N.", "two million pesos 50/100"),
    (
        "21000000",
        "MXN",
        "veintiún millones de pesos 00/100 M.N.",
        "twenty-one million pesos 00/100",
    ),
    (
        "31500000",
        "MXN",
        "treinta y un millones quinientos mil pesos 00/100 M.N.",
        "thirty-one million, five hundred thousand pesos 00/100",
    ),
    (
        "101000000",
        "MXN",
        "ciento un millones de pesos 00/100 M.N.",
        "one hundred and one million pesos 00/100",
    ),
    (
        "200000000",
        "MXN",
        "doscientos millones de pesos 00/100 M.N.",
        "two hundred million pesos 00/100",
    ),
    ("1000000000", "MXN", "mil millones de pesos 00/100 M.N.", "one billion pesos 00/100"),
    (
        "1001000000",
        "MXN",
        "mil un millones de pesos 00/100 M.N.",
        "one billion, one million pesos 00/100",
    ),
    (
        "21000000000",
        "MXN",
        "veintiún mil millones de pesos 00/100 M.N.",
        "twenty-one billion pesos 00/100",
    ),
    (
        "21001000000",
        "MXN",
        "veintiún mil un millones de pesos 00/100 M.N.",
        "twenty-one billion, one million pesos 00/100",
    ),
    (
        "21021021021",
        "MXN",
        "veintiún mil veintiún millones veintiún mil veintiún pesos 00/100 M.N.",
        "twenty-one billion, twenty-one million, twenty-one thousand and twenty-one pesos 00/100",
    ),
    (
        "999999999999.99",
        "MXN",
        "novecientos noventa y nueve mil novecientos noventa y nueve millones"
        " novecientos noventa y nueve mil novecientos noventa y nueve pesos 99/100 M.N.",
        "nine hundred and ninety-nine billion, nine hundred and ninety-nine million,"
        " nine hundred and ninety-nine thousand, nine hundred and ninety-nine pesos 99/100",
    ),
    # Dollars: masculine too ("un dólar", "veintiún dólares"); the suffix is "USD".
    ("0.01", "USD", "cero dólares 01/100 USD", "zero dollars 01/100"),
    ("1", "USD", "un dólar 00/100 USD", "one dollar 00/100"),
    ("1.50", "USD", "un dólar 50/100 USD", "one dollar 50/100"),
    ("21", "USD", "veintiún dólares 00/100 USD", "twenty-one dollars 00/100"),
    ("101", "USD", "ciento un dólares 00/100 USD", "one hundred and one dollars 00/100"),
    (
        "2500.50",
        "USD",
        "dos mil quinientos dólares 50/100 USD",
        "two thousand, five hundred dollars 50/100",
    ),
    ("21000", "USD", "veintiún mil dólares 00/100 USD", "twenty-one thousand dollars 00/100"),
    (
        "31000.99",
        "USD",
        "treinta y un mil dólares 99/100 USD",
        "thirty-one thousand dollars 99/100",
    ),
    (
        "201001",
        "USD",
        "doscientos un mil un dólares 00/100 USD",
        "two hundred and one thousand and one dollars 00/100",
    ),
    ("1000000", "USD", "un millón de dólares 00/100 USD", "one million dollars 00/100"),
    (
        "21000000",
        "USD",
        "veintiún millones de dólares 00/100 USD",
        "twenty-one million dollars 00/100",
    ),
    (
        "21000000000.05",
        "USD",
        "veintiún mil millones de dólares 05/100 USD",
        "twenty-one billion dollars 05/100",
    ),
]


def test_the_table_is_large_enough():
    assert len(TABLE) >= 40
    assert len({(amount, currency) for amount, currency, _, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(("amount", "currency", "spanish", "english"), TABLE)
def test_words(amount, currency, spanish, english):
    assert words(D(amount), currency, "es") == spanish
    assert words(D(amount), currency, "en") == english


def test_figures_and_words_together():
    assert in_figures_and_words(D("21000"), "MXN") == (
        "MXN 21,000.00 (veintiún mil pesos 00/100 M.N.)"
    )
    assert in_figures_and_words(D("21000000000"), "MXN") == (
        "MXN 21,000,000,000.00 (veintiún mil millones de pesos 00/100 M.N.)"
    )
    assert in_figures_and_words(D("1001"), "USD", "en") == (
        "USD 1,001.00 (one thousand and one dollars 00/100)"
    )
    assert figures(D("999999999999.99"), "MXN") == "MXN 999,999,999,999.99"


def test_cents_are_rounded_half_up():
    assert words(D("0.005"), "MXN") == "cero pesos 01/100 M.N."
    assert words(D("20.999"), "MXN") == "veintiún pesos 00/100 M.N."


# An independent reading of the Spanish words, to sweep many amounts beyond the table.
_UNITS = {
    "cero": 0,
    "un": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciséis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiún": 21,
    "veintidós": 22,
    "veintitrés": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiséis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "trescientos": 300,
    "cuatrocientos": 400,
    "quinientos": 500,
    "seiscientos": 600,
    "setecientos": 700,
    "ochocientos": 800,
    "novecientos": 900,
}


def _read_spanish(text: str) -> Decimal:
    match = re.fullmatch(r"(.+?) (?:de )?(?:pesos|peso) (\d\d)/100 M\.N\.", text)
    assert match, text
    millions, group, total = 0, 0, 0
    for token in match.group(1).split():
        if token == "y":
            continue
        if token == "mil":
            total += max(group, 1) * 1000
            group = 0
        elif token in ("millón", "millones"):
            millions = (total + group) * 1_000_000
            total = group = 0
        else:
            group += _UNITS[token]  # KeyError: an unexpected word, such as "uno"
    return millions + total + group + Decimal(match.group(2)) / 100


def _sweep():
    amounts = set()
    for base in (1, 21, 31, 41, 71, 91, 101, 121, 161, 201, 301, 501, 701, 901, 991):
        for scale in (1, 1000, 1_000_000, 1_000_000_000):
            amounts.add(base * scale)
            amounts.add(base * scale + 1)
            amounts.add(base * scale + 21_021)
            amounts.add(base * scale + 1_001_001)
    return sorted(a for a in amounts if a <= 999_999_999_999)


@pytest.mark.parametrize("whole", _sweep())
def test_spanish_words_read_back_to_the_amount(whole):
    amount = Decimal(whole) + Decimal("0.21")
    text = words(amount, "MXN")
    assert " uno " not in f" {text} " and "veintiuno" not in text
    assert _read_spanish(text) == amount


def test_the_agreement_pdf_writes_veintiun_mil_pesos(ctx, application, personas, as_user):
    from portal.awards.models import Agreement
    from portal.core.db import db
    from tests.awards import helpers
    from tests.support.forms import post_form

    application.call.min_award = D("1000.00")  # the fixture call's minimum is 100,000
    db.session.commit()
    manager = personas["grants_manager"]
    award = helpers.ready_award(application, manager, amount="21000.00")
    award_id = award.id
    response = post_form(
        as_user(manager), f"/awards/{award_id}/issue", {}, form_url=f"/awards/{award_id}"
    )
    assert response.status_code == 302, response.data
    agreement = db.session.query(Agreement).filter_by(award_id=award_id).one()
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert "MXN 21,000.00 (veintiún mil pesos 00/100 M.N.)" in text
    assert "veintiuno" not in text
