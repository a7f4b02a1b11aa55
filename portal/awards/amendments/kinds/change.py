"""One line of "what changes" shown on an amendment's page and in its document."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
