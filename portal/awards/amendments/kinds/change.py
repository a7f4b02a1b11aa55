"""One line of "what changes" shown on an amendment's page and in its document."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    # A line about money also gives its amounts: the amendment document writes them in words.
    old_amount: Decimal | None = None
    new_amount: Decimal | None = None
    currency: str = ""
