"""On the embedded SQLite default, requests that write take the write lock when they begin, so
concurrent ones queue instead of failing with "database is locked" (and cannot lose an update).
"""

from __future__ import annotations

import time
from threading import Thread

from portal.core.db import make_engine


def _bump(app, engine, method: str, errors: list) -> None:
    try:
        with app.test_request_context("/", method=method), engine.begin() as conn:
            n = conn.exec_driver_sql("SELECT n FROM counter").scalar()
            time.sleep(0.2)  # the other request reads meanwhile (without the lock)
            conn.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))
    except Exception as error:
        errors.append(error)


def _run(app, tmp_path, method: str) -> tuple[int, list]:
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list = []
    threads = [Thread(target=_bump, args=(app, engine, method, errors)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT n FROM counter").scalar()
    engine.dispose()
    return total, errors


def test_concurrent_writing_requests_queue_and_both_count(app, tmp_path):
    total, errors = _run(app, tmp_path, "POST")
    assert errors == []
    assert total == 2


def test_a_reading_request_does_not_take_the_write_lock(app, tmp_path):
    """GET requests begin as readers: the same pattern then fails for one of them, as SQLite
    reports a write after a stale read (which is why writing requests lock first)."""
    total, errors = _run(app, tmp_path, "GET")
    assert total == 1
    assert len(errors) == 1 and "locked" in str(errors[0])
