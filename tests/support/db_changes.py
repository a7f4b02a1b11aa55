"""Did a request change the database? Watch the writes, then compare the rows.

``WriteWatcher`` listens to every statement an engine sends and notes the tables named by an
INSERT, UPDATE or DELETE. A write is not yet a change: a savepoint rolled back by the request
itself (a refused form) undoes it. ``fingerprint`` hashes the rows of some tables as the given
connection sees them, so comparing a fingerprint taken before the request with one taken after
it tells which tables really changed. Only the tables that were written need hashing again,
which keeps the check cheap enough to run after every request of a fuzz test.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import event, select

_WRITE = re.compile(
    r"""^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)
        \s+["`]?(?:\w+["`]?\.["`]?)?(\w+)""",
    re.IGNORECASE | re.VERBOSE,
)
_MAYBE_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)
UNKNOWN = "?"  # a statement that writes somewhere the parser cannot name: hash every table


class WriteWatcher:
    """``with WriteWatcher(engine) as w: ...; w.tables`` — tables written since the last reset."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.tables: set[str] = set()

    def __enter__(self) -> WriteWatcher:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def reset(self) -> None:
        self.tables = set()

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        match = _WRITE.match(statement)
        if match:
            self.tables.add(match.group(1).lower())
        elif statement.lstrip()[:4].upper() == "WITH" and _MAYBE_WRITE.search(statement):
            self.tables.add(UNKNOWN)


def fingerprint(connection, metadata, tables=None) -> dict[str, tuple[int, str]]:
    """``{table: (row count, hash of all rows)}`` for ``tables`` (default: every table)."""
    names = sorted(metadata.tables) if tables is None or UNKNOWN in tables else sorted(tables)
    result = {}
    for name in names:
        table = metadata.tables.get(name)
        if table is None:
            continue
        rows = connection.execute(select(table)).all()
        digest = hashlib.sha256()
        for text in sorted(repr(tuple(row)) for row in rows):
            digest.update(text.encode("utf-8", "backslashreplace"))
            digest.update(b"\n")
        result[name] = (len(rows), digest.hexdigest()[:16])
    return result


def differences(before: dict, after: dict) -> dict[str, str]:
    """``{table: "3 -> 4 rows"}`` or ``{table: "rows edited"}`` for the tables that differ."""
    changed = {}
    for name in sorted(set(before) & set(after)):
        (n_before, h_before), (n_after, h_after) = before[name], after[name]
        if n_before != n_after:
            changed[name] = f"{n_before} -> {n_after} rows"
        elif h_before != h_after:
            changed[name] = "rows edited"
    return changed
