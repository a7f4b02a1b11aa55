"""Ordinal words for the numbered parts of legal documents, 1 to 50.

Mexican agreements number their clauses in feminine ordinal words ("la cláusula PRIMERA"):
PRIMERA, SEGUNDA … DÉCIMA, DÉCIMA PRIMERA … VIGÉSIMA, VIGÉSIMA PRIMERA … QUINCUAGÉSIMA. The
English version follows the same structure: FIRST, SECOND … TWENTY-FIRST … FIFTIETH. Beyond 50
(no agreement has that many clauses) the number itself is returned.
"""

from __future__ import annotations

_ES_UNITS = (
    "",
    "PRIMERA",
    "SEGUNDA",
    "TERCERA",
    "CUARTA",
    "QUINTA",
    "SEXTA",
    "SÉPTIMA",
    "OCTAVA",
    "NOVENA",
)
_ES_TENS = ("", "DÉCIMA", "VIGÉSIMA", "TRIGÉSIMA", "CUADRAGÉSIMA", "QUINCUAGÉSIMA")

_EN_ORDINALS = (
    "",
    "FIRST",
    "SECOND",
    "THIRD",
    "FOURTH",
    "FIFTH",
    "SIXTH",
    "SEVENTH",
    "EIGHTH",
    "NINTH",
    "TENTH",
    "ELEVENTH",
    "TWELFTH",
    "THIRTEENTH",
    "FOURTEENTH",
    "FIFTEENTH",
    "SIXTEENTH",
    "SEVENTEENTH",
    "EIGHTEENTH",
    "NINETEENTH",
)
_EN_TENS = ("", "", "TWENTY", "THIRTY", "FORTY", "FIFTY")
_EN_TENS_ORDINAL = ("", "", "TWENTIETH", "THIRTIETH", "FORTIETH", "FIFTIETH")

LIMIT = 50


def ordinal(number: int, language: str = "es") -> str:
    """'PRIMERA', 'DÉCIMA PRIMERA', 'VIGÉSIMA' / 'FIRST', 'TWENTY-FIRST', 'TWENTIETH'."""
    if not 1 <= number <= LIMIT:
        return str(number)
    if language == "en":
        return _english(number)
    tens, units = divmod(number, 10)
    return " ".join(word for word in (_ES_TENS[tens], _ES_UNITS[units]) if word)


def _english(number: int) -> str:
    if number < 20:
        return _EN_ORDINALS[number]
    tens, units = divmod(number, 10)
    if not units:
        return _EN_TENS_ORDINAL[tens]
    return f"{_EN_TENS[tens]}-{_EN_ORDINALS[units]}"


def roman(number: int) -> str:
    """'I', 'II', 'IV' … for the declarations (each party's, then both parties')."""
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)
