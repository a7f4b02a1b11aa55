"""What every database benchmark shares: an app on a given URL, a seeded world inside one
transaction that is rolled back at the end (nothing is left behind), ANALYZE on PostgreSQL,
statement counting and median timings."""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import contextmanager


def _app(url: str):
    from portal import create_app

    return create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "",
            "REDIS_URL": "",
            "STORAGE_LOCAL_ROOT": tempfile.gettempdir(),
        },
    )


def _next_ids(conn, *tables) -> dict:
    from sqlalchemy import func, select

    return {t.name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in tables}


@contextmanager
def counting(engine):
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def timed(function, runs: int) -> float:
    """Median seconds of ``runs`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def sign_in(user_id: int) -> str:
    """Open a server-side session (issue 17) for ``user_id`` in the benchmark's transaction;
    returns the value of the cookie's ``_user_id``."""
    from portal.accounts import sessions
    from portal.accounts.models import User
    from portal.core.db import db

    _, key = sessions.create(db.session.get(User, user_id))
    db.session.commit()
    return f"{user_id}:{key}"


def run_rolled_back(url: str, seed, measure, runs: int, analyze: bool) -> dict:
    """Migrate ``url``, then ``seed(conn)`` and ``measure(app, conn, seeded, runs)`` inside one
    transaction that is rolled back, with ``ANALYZE`` in between on PostgreSQL."""
    from portal.core.db import db
    from portal.core.migrate import upgrade

    app = _app(url)
    with app.app_context():
        upgrade(url)
        engine = db.engine
        conn = engine.connect()
        outer = conn.begin()
        db.session.remove()
        db.session.configure(bind=conn, join_transaction_mode="create_savepoint")
        try:
            started = time.perf_counter()
            seeded = seed(conn)
            seconds = time.perf_counter() - started
            analyzed = analyze and engine.dialect.name == "postgresql"
            if analyzed:
                from sqlalchemy import text

                conn.execute(text("ANALYZE"))
            result = measure(app, conn, seeded, runs)
            result.update(
                seed_seconds=seconds, backend=engine.dialect.name, seeded=seeded, analyzed=analyzed
            )
            return result
        finally:
            db.session.remove()
            db.session.configure(bind=None)
            outer.rollback()
            conn.close()
            engine.dispose()
