"""The hostile values: every field, query parameter and path segment gets each of them.

``HOSTILE`` is the fixed list of issue 12 and is always sent, whole. Fields that look numeric
or like a date also get a few values aimed at their parsers (``NUMERIC_EXTRAS``,
``DATE_EXTRAS``), and path segments get ``EXTRAS`` (bytes that are not UTF-8) too. Nothing is
random: the same run sends the same requests.
"""

from __future__ import annotations

import re

# (label, value): the label names the value in reports without printing 10,000 characters.
HOSTILE: tuple[tuple[str, str], ...] = (
    ("empty", ""),
    ("10,000 chars", "A" * 10_000),
    ("NUL", "a\x00b"),
    ("U+0001", "\x01"),
    ("vertical tab", "\x0b"),
    ("ANSI escape", "\x1b[31m"),
    ("DEL", "\x7f"),
    ("RTL override", "\u202eabc"),
    ("zero-width space", "a\u200bb"),
    ("BOM", "\ufeff"),
    ("emoji", "🙂👩🏽\u200d⚖️"),
    ("-1", "-1"),
    ("0", "0"),
    ("1e309", "1e309"),
    ("NaN", "NaN"),
    ("20 digits", "99999999999999999999"),
    ("decimal comma", "1,5"),
    ("1.005", "1.005"),
    ("script", "<script>alert(1)</script>"),
    ("formula", '=HYPERLINK("http://x")'),
    ("path traversal", "../../etc/passwd"),
)

# Sent to every path segment as well: raw bytes that are not UTF-8.
EXTRAS: tuple[tuple[str, str | bytes], ...] = (("invalid UTF-8", b"\xff\xfe\xc3("),)

# Integers just past PostgreSQL's integer (2**31) and past Python's limit for int() of a
# string (4,300 digits). (NaN, 1e309 and 20 digits are in HOSTILE.)
NUMERIC_EXTRAS: tuple[tuple[str, str], ...] = (
    ("10,000 digits", "9" * 10_000),
    ("2**31", str(2**31)),
)

# Dates a parser may accept and a time-zone conversion may push out of range.
DATE_EXTRAS: tuple[tuple[str, str], ...] = (
    ("30 February", "2026-02-30"),
    ("year 1", "0001-01-01"),
    ("year 9999", "9999-12-31"),
)

_NUMERIC_KINDS = {"number", "range"}
_DATE_KINDS = {"date", "datetime-local", "month", "time", "week"}
_NUMERIC_NAME = re.compile(
    r"amount|budget|envelope|score|weight|pct|percent|_max$|_min$|^max_|^min_|limit|rate|"
    r"size|position|chars|days|count|threshold|expires|_id$|_ids$|^page$|per_page|number|"
    r"requested",
    re.IGNORECASE,
)
_DATE_NAME = re.compile(r"date|_dt$|_on$|^day$|_from$|_to$|period|month|year", re.IGNORECASE)


def values_for(name: str, kind: str = "text") -> tuple[tuple[str, str | bytes], ...]:
    """Every value sent to the field ``name`` of input type ``kind``."""
    values = HOSTILE
    if kind in _NUMERIC_KINDS or _NUMERIC_NAME.search(name):
        values += NUMERIC_EXTRAS
    if kind in _DATE_KINDS or _DATE_NAME.search(name):
        values += DATE_EXTRAS
    return values


def shown(value: str | bytes) -> str:
    """A value for a report: its repr, long ones abbreviated."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:25]}...{text[-10:]} ({len(value)} chars)"
