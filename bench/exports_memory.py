"""Memory of the streamed exports at 10,000 and 100,000 rows (issue 18: flat worker memory).

For each size, a scratch database (a temporary SQLite file, or a new PostgreSQL database on the
given server, dropped at the end) is migrated and seeded with committed bulk inserts (the
finance benchmark's world: ``rows`` disbursements and ``rows`` co-finance entries over
``rows / 20`` grants, plus ``rows / 10`` submitted applications with answers in one call, at
most the export's 10,000), ANALYZEd on PostgreSQL. The portal then serves, in-process through
Werkzeug's test client without buffering (the body is read chunk by chunk and dropped, as a
WSGI server sends it), with its real, unbound session, so a streamed response reads its rows
after the view has committed, exactly as in production:

- disbursements CSV and XLSX, co-finance CSV (as a finance officer);
- the big call's applications CSV and XLSX (as a grants manager);
- control: the former way, the disbursement ledger's rows in a list and the CSV built in
  memory (``list()`` of the rows, then the whole body).

Each line gives rows, bytes, seconds, the peak RSS growth over the RSS just before the request
(VmHWM reset through /proc/self/clear_refs) and the peak of Python allocations over those
alive when it started (tracemalloc; ``--no-tracemalloc`` skips it, it slows everything). Exit 1
if any streamed export grows the RSS by ``FLAT_MARGIN_MIB`` or more.

    python -m bench exports_memory
    python -m bench.exports_memory --rows 100000 [--rows 10000] [--database sqlite|postgresql|URL]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import tracemalloc
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

from bench.documents_memory import MIB, _reset_rss_peak, _rss_peak_mib

FLAT_MARGIN_MIB = 30
SIZES = (10_000, 100_000)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _rss_now_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Phase:
    """One measured step: seconds, RSS peak growth over the RSS at its start, and the peak of
    Python allocations over those alive at its start (tracemalloc)."""

    def __init__(self, name: str, rows: int) -> None:
        self.name, self.rows, self.bytes = name, rows, 0

    def __enter__(self):
        self.resettable = _reset_rss_peak()
        self.rss_start = _rss_now_mib()
        tracemalloc.reset_peak()
        self.traced_start = tracemalloc.get_traced_memory()[0]
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        if tracemalloc.is_tracing():
            self.traced_peak = (tracemalloc.get_traced_memory()[1] - self.traced_start) / MIB
        else:
            self.traced_peak = float("nan")
        self.growth = _rss_peak_mib() - self.rss_start


@contextmanager
def scratch_database(database: str, rows: int):
    """A fresh database URL for one size; PostgreSQL ones are created and dropped here."""
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES if database == "postgresql" else database)
    name = f"bench_exports_{os.getpid()}_{rows}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(conn, rows: int) -> dict:
    """The finance world at this size, then the big call's applications (committed)."""
    from sqlalchemy import insert

    from bench.finance_dashboard import seed as seed_finance
    from portal.applications.models import Application
    from portal.core.db import now_utc

    seeded = seed_finance(conn, max(rows // 20, 10), rows, rows)
    call_id = conn.exec_driver_sql("SELECT min(id) FROM calls").scalar()
    organisation = conn.exec_driver_sql("SELECT min(id) FROM organisations").scalar()
    first = (conn.exec_driver_sql("SELECT max(id) FROM applications").scalar() or 0) + 1
    number = (conn.exec_driver_sql("SELECT max(number) FROM applications").scalar() or 0) + 1
    count = min(rows // 10, 10_000)
    rng, now = random.Random(18), now_utc()
    themes = ["mediation", "legal_aid", "gender", "youth"]
    items = [
        {
            "id": first + n,
            "call_id": call_id,
            "organisation_id": organisation,
            "created_by_id": seeded["officer"]["id"],
            "number": number + n,
            "reference": f"BENCH-EXP-{n + 1:05d}",
            "title": f"Proyecto de justicia cotidiana número {n + 1}",
            "status": "submitted",
            "form_version": 1,
            "form_snapshot": {"schema": 1},
            "currency": "MXN",
            "requested_total": rng.randrange(100, 1000) * 1000,
            "cost_share_total": 30000,
            "cofinance_pct": 20,
            "submitted_dt": now - timedelta(minutes=n),
            "answers": {
                "project_title": f"Proyecto {n + 1}",
                "summary": "Mediación vecinal y asesoría jurídica gratuita. " * 4,
                "themes": rng.sample(themes, 2),
            },
        }
        for n in range(count)
    ]
    for start in range(0, count, 5000):
        conn.execute(insert(Application.__table__), items[start : start + 5000])
    code = conn.exec_driver_sql(f"SELECT code FROM calls WHERE id = {int(call_id)}").scalar()
    listed = conn.exec_driver_sql(
        "SELECT count(*) FROM applications"
        f" WHERE call_id = {int(call_id)} AND submitted_dt IS NOT NULL"
    ).scalar()
    return {**seeded, "call_code": code, "applications": min(listed, 10_000)}


def _give_back_memory() -> None:
    import ctypes
    import gc

    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _client(app, user_id: int):
    from bench._harness import sign_in
    from portal.core.db import db

    with app.app_context():
        cookie_id = sign_in(user_id)
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
        session["_fresh"] = True
    return client


def _download(client, url: str) -> tuple[int, int]:
    """(bytes, newlines) of the streamed body, read chunk by chunk and dropped."""
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    size = lines = 0
    try:
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        response.close()
    return size, lines


def _control(app, officer_id: int) -> tuple[int, int]:
    """The former way: every row in a list, then the whole CSV body in memory."""
    from portal.accounts.models import User
    from portal.core.db import db
    from portal.reporting import exports
    from portal.reporting.filters import ReportFilter

    with app.test_request_context("/?lang=en"):
        user = db.session.get(User, officer_id)
        ledger = exports.disbursement_ledger(ReportFilter(), user)
        ledger.rows = list(ledger.rows)
        body = exports.csv_body(ledger)
        db.session.remove()
        return len(body), len(ledger.rows)


def measure(url: str, rows: int) -> dict:
    from sqlalchemy import text

    from bench._harness import _app
    from portal.core.db import db
    from portal.core.migrate import upgrade

    app = _app(url)
    with app.app_context():
        upgrade(url)
        started = time.perf_counter()
        with db.engine.begin() as conn:
            seeded = seed(conn, rows)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        seed_seconds = time.perf_counter() - started
        backend = db.engine.dialect.name
        db.session.remove()
    _give_back_memory()  # the seed's lists are gone: measure from a process near its idle size
    officer = _client(app, seeded["officer"]["id"])
    manager = _client(app, seeded["officer"]["id"] + 1)  # the grants manager of the seed
    code = seeded["call_code"]
    exports = [
        (
            "disbursements CSV",
            officer,
            "/reports/exports/disbursements.csv",
            seeded["disbursements"],
        ),
        (
            "disbursements XLSX",
            officer,
            "/reports/exports/disbursements.xlsx",
            seeded["disbursements"],
        ),
        ("co-finance CSV", officer, "/reports/exports/cofinance.csv", seeded["contributions"]),
        ("applications CSV", manager, f"/calls/{code}/applications.csv", seeded["applications"]),
        ("applications XLSX", manager, f"/calls/{code}/applications.xlsx", seeded["applications"]),
    ]
    # Warm-up: imports (openpyxl), templates, caches; nothing of it is measured.
    empty = "?date_from=2000-01-01&date_to=2000-01-02"
    for _name, client, path, _rows in exports:
        _download(client, path + (empty if "/reports/" in path else "?q=nothing-matches"))
    _download(officer, "/dashboard")
    phases = []
    with Phase("idle (a small page)", 0) as idle:
        _download(officer, "/dashboard")
    phases.append(idle)
    for name, client, path, expected in exports:
        with Phase(name, expected) as phase:
            phase.bytes, _lines = _download(client, path)
        phases.append(phase)
    with Phase("control: disbursements CSV built in memory", seeded["disbursements"]) as control:
        control.bytes, control.rows = _control(app, seeded["officer"]["id"])
    phases.append(control)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"rows": rows, "backend": backend, "seed_seconds": seed_seconds, "phases": phases}


def report(results: list[dict]) -> bool:
    flat = True
    print(
        f"{'size':>8} {'export':44} {'rows':>8} {'MiB':>7} {'s':>6}"
        f" {'RSS growth MiB':>15} {'tracemalloc MiB':>16}"
    )
    for result in results:
        for phase in result["phases"]:
            print(
                f"{result['rows']:>8} {phase.name:44} {phase.rows:>8} {phase.bytes / MIB:7.1f}"
                f" {phase.seconds:6.2f} {phase.growth:15.1f} {phase.traced_peak:16.1f}"
            )
            streamed = not phase.name.startswith(("control", "idle"))
            if streamed and phase.growth >= FLAT_MARGIN_MIB:
                flat = False
    backend = results[0]["backend"] if results else "?"
    if results and not results[0]["phases"][0].resettable:
        print("(RSS peak could not be reset: figures are process peaks so far)")
    print(
        f"backend {backend}: every streamed export's RSS growth"
        f" {'stays under' if flat else 'is NOT under'} {FLAT_MARGIN_MIB} MiB"
        " (the control shows what building the file in memory costs)"
    )
    return flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="repeatable; default 10k, 100k")
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or a URL")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="faster: RSS only (tracemalloc slows ~2x)"
    )
    args = parser.parse_args(argv)
    if not args.no_tracemalloc:
        tracemalloc.start()
    results = []
    for rows in args.rows or SIZES:
        with scratch_database(args.database, rows) as url:
            results.append(measure(url, rows))
    tracemalloc.stop()
    return 0 if report(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
