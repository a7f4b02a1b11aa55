"""One unit of work per request: it commits once, at its end, when it succeeded.

Views and operations never call ``commit()``. At the end of a request that changes things
(POST and the other unsafe methods) the session is committed when the response is a success or
a redirect, and rolled back on a 4xx/5xx answer or an exception. A refused form (``InputError``
caught by :func:`portal.core.views.run`) is rolled back at once, so the page re-rendered with the
errors reads the state as it was.

Work that must only happen once the rows are committed (queueing a PDF render, delivering the
e-mails of the outbox, anything another process will read) is registered with
:func:`on_commit`; it runs right after the commit, on the inline path and the RQ path alike, and
is dropped by a rollback. Outside requests (CLI commands, jobs) call :func:`commit`, which does
the same.

GET requests do not write. A read that must be recorded (an audited download, a token's last use)
says so with :func:`record_read`; any other write during a GET is rolled back, and is an error
under tests so that it is found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial, wraps

from flask import Flask, current_app, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.db import db, savepoint_of

log = logging.getLogger("portal.unit_of_work")
_CALLBACKS = "on_commit"
_WROTE = "wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WriteOnReadError(RuntimeError):
    """A GET request wrote to the database without saying it records the read."""


def on_commit(fn: Callable, *args, **kwargs) -> None:
    """Run ``fn(*args, **kwargs)`` after the current transaction commits (never if it rolls
    back)."""
    db.session.info.setdefault(_CALLBACKS, []).append(partial(fn, *args, **kwargs))


def commit() -> None:
    """Commit, then run the work registered with :func:`on_commit` (in order, once)."""
    session = db.session()
    session.commit()
    while callbacks := session.info.pop(_CALLBACKS, None):
        for callback in callbacks:
            callback()


def discard() -> None:
    """Roll back everything this unit of work did (and forget its ``on_commit`` work)."""
    db.session.rollback()


def record_read() -> None:
    """This GET request records that it was made (an audited download): commit it."""
    g.unit_of_work_records_read = True


def keep_on_refusal() -> None:
    """This request's writes stand even though it answers with a refusal (a rejected upload
    keeps its rejected row and audit entry beside the 422)."""
    g.unit_of_work_records_read = True


def init_app(app: Flask) -> None:
    from portal.core.db import _AppSession

    install(_AppSession)
    app.before_request(_start_of_request)
    app.after_request(_end_of_request)
    app.teardown_request(_teardown)


def install(session_class: type[Session]) -> None:
    if event.contains(session_class, "after_soft_rollback", _forget):
        return
    event.listen(session_class, "after_flush", _note_writes)
    event.listen(session_class, "after_commit", _committed)
    event.listen(session_class, "after_soft_rollback", _forget)


def _note_writes(session: Session, flush_context) -> None:
    if _pending_writes(session):
        session.info[_WROTE] = True


def _pending_writes(session: Session) -> bool:
    return bool(
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    )


def _committed(session: Session) -> None:
    session.info.pop(_WROTE, None)


def _forget(session: Session, previous_transaction) -> None:
    """A rollback drops the work registered for after the commit. A savepoint rolled back
    inside an operation (a lost race on a unique key) leaves the outer transaction's work."""
    if savepoint_of(previous_transaction) is not None:
        return
    session.info.pop(_CALLBACKS, None)
    session.info.pop(_WROTE, None)


def _start_of_request() -> None:
    """Writes are counted from here. A request starts with an empty session; only tests, which
    share the session with the requests they make, can bring uncommitted writes: they are
    committed first, as if the test had committed before making its request."""
    if not db.session.registry.has():
        return  # no session in this scope yet: nothing to bring (and none made for nothing)
    session = db.session()
    if session.info.get(_WROTE) or _pending_writes(session):
        commit()


def _end_of_request(response):
    if not db.session.registry.has():
        return response  # the request never used the database: nothing to commit or discard
    session = db.session()
    recorded_read = g.get("unit_of_work_records_read", False)
    if request.method in SAFE_METHODS and not recorded_read:
        if session.info.get(_WROTE) or _pending_writes(session):
            discard()
            _write_on_read()
        return response
    # A recorded read stands even when the answer is a refusal (a token used with a bad
    # parameter was still used); a change is kept only when the request succeeded.
    if response.status_code >= (500 if recorded_read else 400):
        discard()
        return response
    commit()
    return response


def _write_on_read() -> None:
    message = f"GET {request.path} wrote to the database; use record_read() if it must"
    if current_app.testing:
        raise WriteOnReadError(message)
    log.error(message)


def _teardown(exc) -> None:
    if exc is not None:
        db.session.rollback()


def records_read(view: Callable) -> Callable:
    """Decorate a GET view whose reading is itself recorded (an audited download or export, a
    token's last use, a link that confirms something): its writes are committed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        record_read()
        return view(*args, **kwargs)

    return wrapper
