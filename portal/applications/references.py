"""Reference numbers: ``<CALL-CODE>-0042``, sequential per call, safe under concurrency.

The per-call counter row is incremented with ``UPDATE ... SET last_number = last_number + 1
... RETURNING``: on PostgreSQL the UPDATE holds the row lock until the transaction ends, so
two submissions to the same call are serialised and get consecutive numbers; a rolled-back
submission gives its number back with its transaction. The first submission to a call creates
the row (a concurrent creator loses the primary-key race and simply retries the UPDATE).
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from portal.applications.models import ApplicationCounter
from portal.core.db import db


def next_number(call_id: int, attempts: int = 3) -> int:
    for _ in range(attempts):
        number = db.session.execute(
            update(ApplicationCounter)
            .where(ApplicationCounter.call_id == call_id)
            .values(last_number=ApplicationCounter.last_number + 1)
            .returning(ApplicationCounter.last_number)
        ).scalar()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(ApplicationCounter).values(call_id=call_id, last_number=0)
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"could not number a submission to call {call_id}")


def format_reference(call_code: str, number: int) -> str:
    return f"{call_code}-{number:04d}"
