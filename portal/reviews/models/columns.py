"""Column types of the review tables: scores, weights and points, exact decimals."""

from __future__ import annotations

from sqlalchemy import Numeric


def Score() -> Numeric:  # noqa: N802 - reads like a type
    """A score or a maximum: one decimal place (half points)."""
    return Numeric(4, 1, asdecimal=True)


def Weight() -> Numeric:  # noqa: N802
    return Numeric(6, 2, asdecimal=True)


def Points() -> Numeric:  # noqa: N802
    """Σ(weight × score): two places × one place = three places, exact."""
    return Numeric(14, 3, asdecimal=True)
