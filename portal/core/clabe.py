"""CLABE (Mexican interbank account number) validation: 18 digits = bank (3) + plaza (3) +
account (11) + check digit. Check digit: weights 3, 7, 1 repeated over the first 17 digits,
sum of (digit × weight) mod 10, check = (10 − sum mod 10) mod 10. The bank prefix must be a
participant in Banxico's SPEI.

The bank catalogue is the maintained ``clabe`` package's (PyPI ``clabe``, MIT licence; it
tracks Banxico's SPEI participants: Citi México 124, Hey Banco 167, KLAR 661…): upgrading the
package is how the catalogue is kept current, and the bank names shown are the package's. The
messages are ours (translated). The package is imported on first use (it imports pydantic)."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l

# Prefixes that the portal accepted before it used the package and that the package no longer
# lists (institutions merged into others). They stay accepted so that accounts already on file
# keep validating; 032 is also the worked example of the CLABE check digit.
LEGACY_BANKS: dict[str, str] = {
    "032": "IXE",
    "037": "Interacciones",
    "686": "Invercap",
}
WEIGHTS = (3, 7, 1)


@cache
def banks() -> dict[str, str]:
    """Bank code (the CLABE's first 3 digits) → bank name: the package's catalogue, plus the
    legacy prefixes above (the package's name wins if it lists one of them again)."""
    import clabe as clabe_package

    catalogue = {
        code: clabe_package.BANK_NAMES.get(banxico, code)
        for code, banxico in clabe_package.BANKS.items()
    }
    return {**LEGACY_BANKS, **catalogue}


def __getattr__(name: str):
    if name == "BANKS":  # the former module constant, now loaded on first use
        return banks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_digit(first17: str) -> int:
    total = sum(int(d) * WEIGHTS[i % 3] % 10 for i, d in enumerate(first17))
    return (10 - total % 10) % 10


def problem(value: str) -> object | None:
    """Why ``value`` is not a valid CLABE (a translatable message), or None when it is."""
    clabe = normalise(value)
    # ASCII digits only: str.isdigit() is also true for "²" (int() refuses it) and for
    # full-width or Arabic-Indic digits (which would be stored as such).
    if len(clabe) != 18 or not (clabe.isascii() and clabe.isdigit()):
        return _l("A CLABE has exactly 18 digits.")
    if check_digit(clabe[:17]) != int(clabe[17]):
        return _l("This CLABE's check digit is wrong: please check the number.")
    if clabe[:3] not in banks():
        return _l("This CLABE's bank code %(code)s is not a known bank.", code=clabe[:3])
    return None


def normalise(value: str) -> str:
    return (value or "").replace(" ", "")


def bank_name(value: str) -> str | None:
    return banks().get(normalise(value)[:3])
