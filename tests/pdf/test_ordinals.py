"""Ordinal words of the clauses (feminine Spanish, English), 1 to 50."""

from __future__ import annotations

import pytest

from portal.pdf.ordinals import ordinal, roman

SPANISH = {
    1: "PRIMERA",
    2: "SEGUNDA",
    3: "TERCERA",
    7: "SÉPTIMA",
    9: "NOVENA",
    10: "DÉCIMA",
    11: "DÉCIMA PRIMERA",
    12: "DÉCIMA SEGUNDA",
    17: "DÉCIMA SÉPTIMA",
    20: "VIGÉSIMA",
    21: "VIGÉSIMA PRIMERA",
    29: "VIGÉSIMA NOVENA",
    30: "TRIGÉSIMA",
    33: "TRIGÉSIMA TERCERA",
    40: "CUADRAGÉSIMA",
    48: "CUADRAGÉSIMA OCTAVA",
    50: "QUINCUAGÉSIMA",
}
ENGLISH = {
    1: "FIRST",
    2: "SECOND",
    3: "THIRD",
    8: "EIGHTH",
    11: "ELEVENTH",
    12: "TWELFTH",
    13: "THIRTEENTH",
    20: "TWENTIETH",
    21: "TWENTY-FIRST",
    22: "TWENTY-SECOND",
    35: "THIRTY-FIFTH",
    40: "FORTIETH",
    49: "FORTY-NINTH",
    50: "FIFTIETH",
}


@pytest.mark.parametrize(("number", "words"), SPANISH.items())
def test_spanish_feminine_ordinals(number, words):
    assert ordinal(number, "es") == words


@pytest.mark.parametrize(("number", "words"), ENGLISH.items())
def test_english_ordinals(number, words):
    assert ordinal(number, "en") == words


def test_every_number_has_distinct_words_in_both_languages():
    for language in ("es", "en"):
        found = [ordinal(n, language) for n in range(1, 51)]
        assert len(set(found)) == 50
        assert all(w.replace(" ", "").replace("-", "").isalpha() for w in found), found


def test_out_of_range_gives_the_number():
    assert ordinal(0) == "0" and ordinal(51, "en") == "51"


def test_roman_numerals_of_the_declarations():
    assert [roman(n) for n in (1, 2, 3, 4, 9, 14)] == ["I", "II", "III", "IV", "IX", "XIV"]
