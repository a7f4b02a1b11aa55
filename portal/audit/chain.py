"""Hash chain: each entry's hash covers its content and the previous entry's hash.

Entries are sealed at commit time (``before_commit``), under a PostgreSQL advisory lock held
only for the commit itself, so writers on unrelated objects barely serialise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from portal.audit.models import GENESIS_HASH, AuditEntry
from portal.core.db import savepoint_of

ADVISORY_LOCK_KEY = 7_203_114  # arbitrary constant naming "the audit chain"
PENDING_KEY = "audit_pending"
MARKS_KEY = "audit_pending_savepoints"


def entry_hash(entry: AuditEntry) -> str:
    blob = json.dumps(entry.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def add_pending(session: Session, entry: AuditEntry) -> None:
    session.info.setdefault(PENDING_KEY, []).append(entry)


def seal_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    for entry in pending:
        entry.prev_hash = last or GENESIS_HASH
        entry.hash = entry_hash(entry)
        session.add(entry)
        session.flush()
        last = entry.hash


def _mark_savepoint(session: Session, transaction) -> None:
    """Remember how many entries were pending when a savepoint began."""
    if transaction.nested:
        marks = session.info.setdefault(MARKS_KEY, {})
        marks[transaction] = len(session.info.get(PENDING_KEY, ()))


def _discard_pending(session: Session, previous_transaction) -> None:
    """A rollback drops the entries written since its transaction began: the whole request's
    for the outer transaction, only the savepoint's own for a savepoint (a lost race on a
    unique key inside an operation keeps the entries written before it)."""
    savepoint = savepoint_of(previous_transaction)
    if savepoint is not None:
        mark = session.info.get(MARKS_KEY, {}).get(savepoint)
        pending = session.info.get(PENDING_KEY)
        if mark is not None and pending:
            del pending[mark:]
        return
    session.info.pop(PENDING_KEY, None)
    session.info.pop(MARKS_KEY, None)


def _forget_savepoint(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.get(MARKS_KEY, {}).pop(transaction, None)


def install(session_class: type[Session]) -> None:
    event.listen(session_class, "before_commit", seal_pending)
    event.listen(session_class, "after_transaction_create", _mark_savepoint)
    event.listen(session_class, "after_soft_rollback", _discard_pending)
    event.listen(session_class, "after_transaction_end", _forget_savepoint)


def iter_problems(session: Session, batch: int = 1000) -> Iterator[tuple[int, str]]:
    """Yield (entry id, problem) for every entry that breaks the chain, in id order."""
    prev = GENESIS_HASH
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    result = session.scalars(stmt)
    try:
        for entry in result:
            if entry.prev_hash != prev:
                yield entry.id, "previous hash does not match the entry before it"
            elif entry_hash(entry) != entry.hash:
                yield entry.id, "content does not match its hash"
            prev = entry.hash
    finally:  # a caller that stops at the first problem leaves no server cursor open
        result.close()


def ensure_installed(session_class: type[Session]) -> None:
    if not event.contains(session_class, "before_commit", seal_pending):
        install(session_class)
