"""CLABE validation moved to ``portal.core.clabe`` (the awards layer validates the account of a
bank account change too); this module keeps the former import path."""

from __future__ import annotations

from portal.core.clabe import (  # noqa: F401
    LEGACY_BANKS,
    WEIGHTS,
    bank_name,
    banks,
    check_digit,
    normalise,
    problem,
)


def __getattr__(name: str):
    if name == "BANKS":
        return banks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
