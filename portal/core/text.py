"""What the portal accepts as text and as a typed number, in one place.

Every form field and query parameter goes through these rules (see ``portal.core.fields`` and
``portal.core.input_guard``), so a stray character is a clear refusal instead of a database
error: PostgreSQL cannot store NUL in a text column, and ``Decimal``/``int`` read far more than
a person types (``Decimal("NaN")``, ``Decimal("17_2345")``, ``int("١٢")``, ``1e309``).
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (Unicode category Cc: C0, DEL and C1). Tab and newline are allowed in
# multi-line text; a carriage return never survives normalisation.
MULTILINE_ALLOWED = frozenset("\t\n")

# A plain decimal as a person types it: ASCII digits, at most one point, an optional sign.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
PLAIN_INTEGER = re.compile(r"[+-]?[0-9]+")
# An amount with well-formed grouping commas: 1,234,567.89 (or no grouping at all).
GROUPED_AMOUNT = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")

# PostgreSQL's ``integer``: the bound for ids and counts typed or passed in a URL.
MAX_INT = 2**31 - 1


def normalise_newlines(text: str) -> str:
    """Browsers send CRLF; store LF only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def first_control_character(text: str, multiline: bool = False) -> str | None:
    """The first control character in ``text`` that the portal refuses, or None."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    for char in text:
        if char not in allowed and unicodedata.category(char) == "Cc":
            return char
    return None


def code_point(char: str) -> str:
    """``U+000B``: how a message names an invisible character."""
    return f"U+{ord(char):04X}"


def has_nul(text: str) -> bool:
    return "\x00" in text


def as_id(text: str | None) -> int | None:
    """``text`` as a database id (ASCII digits, 1..2**31-1), or None. ``str.isdigit()`` alone
    also admits "²" and "١٢", and ``int()`` of 20 digits overflows every id column."""
    raw = (text or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_INT else None


_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def single_stop(text: str) -> str:
    """One full stop where a name ending in one ("Justicia Cercana, A.C.") ends a sentence;
    an ellipsis is left alone."""
    return _DOUBLE_STOP.sub(".", str(text))
