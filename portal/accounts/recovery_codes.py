"""Recovery codes: ten one-time codes for when the authenticator app is not at hand (issue 17).

A code is ``xxxxx-xxxxx`` from a 30-symbol alphabet without look-alikes (no 0/O, 1/I/L, U):
about 49 random bits, so a SHA-256 of the normalised code is stored (no slow hash needed to resist
guessing, and wrong tries are limited anyway). Typing is forgiving: case, spaces and dashes do
not matter.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols, none easy to confuse
GROUP = 5
COUNT = 10
LOW_WARNING = 3


def generate() -> list[str]:
    """``COUNT`` fresh codes, e.g. ``7KQ4M-XH2PD``."""
    return [_one() for _ in range(COUNT)]


def _one() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(2 * GROUP))
    return f"{chars[:GROUP]}-{chars[GROUP:]}"


def normalise(value: str | None) -> str:
    """Upper case without spaces or dashes."""
    return "".join((value or "").split()).replace("-", "").upper()


def looks_like_code(value: str | None) -> bool:
    code = normalise(value)
    return len(code) == 2 * GROUP and all(c in ALPHABET for c in code)


def digest(value: str) -> str:
    return hashlib.sha256(normalise(value).encode("ascii")).hexdigest()
