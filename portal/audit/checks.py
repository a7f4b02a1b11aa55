"""Verify the hash chain and keep the result, so administrators see when it was last checked
and whether it held (the CLI, the scheduler and the "check now" button all come here)."""

from __future__ import annotations

from contextlib import closing

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.chain import iter_problems
from portal.audit.models import AuditCheck, AuditEntry
from portal.core.db import db


def verify(user_id: int | None = None) -> AuditCheck:
    """Check the chain and add the result to the request's session (committed with it)."""
    # A session of its own reads rows as stored, never from this session's cache; closing
    # it also closes the streaming cursor when we stop at the first problem.
    reader = Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint")
    try:
        with closing(iter_problems(reader)) as problems:
            first = next(problems, None)
        count = reader.scalar(select(func.count()).select_from(AuditEntry)) or 0
        last = reader.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    finally:
        reader.close()
    check = AuditCheck(
        ok=first is None,
        entries=count,
        last_hash=last,
        problem=None if first is None else f"entry {first[0]}: {first[1]}"[:500],
        checked_by_id=user_id,
    )
    db.session.add(check)
    db.session.flush()
    return check


def verify_job(user_id: int | None = None) -> None:
    """Background job: verify and commit the result."""
    from portal.core.unit_of_work import commit

    verify(user_id)
    commit()


def scheduled_verify_job() -> str:
    """Job (CLI ``audit verify`` and the scheduler): verify, commit the result, and raise
    :class:`ChainBrokenError` when the chain does not hold, so that the run counts as failed."""
    from portal.core.unit_of_work import commit

    check = verify()
    commit()
    if not check.ok:
        raise ChainBrokenError(f"Audit chain broken at {check.problem}")
    return f"Audit chain intact: {check.entries} entries, last hash {check.last_hash or '-'}."


class ChainBrokenError(RuntimeError):
    """The hash chain does not verify (the message names the first bad entry)."""


def latest() -> AuditCheck | None:
    return db.session.scalar(select(AuditCheck).order_by(AuditCheck.id.desc()).limit(1))
