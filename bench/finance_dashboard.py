"""The finance dashboard over 5,000 active grants, 20,000 disbursements, 10,000 co-finance entries.

Seeds with bulk inserts: two programmes (MXN and USD), ten calls, 200 grantee organisations in
ten states, 5,000 active grants (one in ten in USD) with two milestones and two co-finance
commitments each, 20,000 ledger entries (one in fifty a reversal), 10,000 co-finance
contributions (reported, verified, rejected; one in ten without a commitment), 500 payment
requests waiting on staff and a stored USD/MXN rate. Runs ``ANALYZE`` on PostgreSQL (see the
pitfalls note: fresh tables plan badly until analysed), then times, in the same run:

- baseline: ``SELECT 1`` and a trivial logged-in page (``/dashboard``);
- ``dashboard.build`` alone (the SQL aggregation), and the whole page ``GET /reports/finance``
  as a finance officer, unfiltered and with a state + period filter, with its SQL statement
  count (the same for both).

Everything happens inside one transaction that is rolled back at the end, so it can run
against a development database: SQLite in a temporary file by default, or PostgreSQL with
``DATABASE_URL=postgresql+psycopg://...`` (migrated to head first if needed).

    python -m bench finance_dashboard
    python -m bench.finance_dashboard --grants 1000 --runs 3 [--no-analyze]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench._harness import counting, run_rolled_back, sign_in
from bench._scale import seed_finance

LIMIT_SECONDS = 1.0
FILTERED = "/reports/finance?state=19&date_from=2026-01-01&date_to=2026-06-30"


def seed(conn, grants: int, disbursements: int, contributions: int) -> dict:
    """Bulk-insert the grants and their money (bench/_scale.py, which also rebuilds the
    per-award summaries the bulk inserts bypass); returns what the measurement needs."""
    return seed_finance(conn, grants, disbursements, contributions)


HELLO = "GET / (Flask hello world, baseline)"


def timed(function, runs: int) -> tuple[float, float]:
    """Medians of ``runs`` calls (after one warm-up): wall-clock seconds and this process's
    CPU seconds. On a shared machine the CPU time drifts far less than the wall time (it
    leaves out waiting for a core); with SQLite it holds all the work, with PostgreSQL it
    leaves out the server's."""
    function()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def hello_world():
    """A bare Flask app with one route, served by its own test client in this process: the
    issue's "% of hello world" is its time divided by a page's."""
    from flask import Flask

    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Hello, world!")
    return app


def measure(app, conn, seeded: dict, runs: int) -> dict:
    from sqlalchemy import select, text

    from portal.accounts.models import User
    from portal.core.db import db
    from portal.reporting import dashboard
    from portal.reporting.filters import ReportFilter

    client = app.test_client()
    officer = seeded["officer"]
    cookie_id = sign_in(officer["id"])
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
        session["_fresh"] = True

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def build():
        with app.test_request_context("/?lang=en"):
            user = db.session.scalar(select(User).where(User.id == officer["id"]))
            board = dashboard.build(ReportFilter(), user)
            assert board.totals["MXN"].grants > 0
            db.session.remove()

    hello = hello_world().test_client()

    def hello_get():
        assert hello.get("/").status_code == 200

    results = {
        "SELECT 1": timed(lambda: conn.execute(text("SELECT 1")).scalar(), runs),
        HELLO: timed(hello_get, runs),
        "GET /dashboard (baseline page)": timed(page("/dashboard"), runs),
        "dashboard.build (aggregation only)": timed(build, runs),
        "GET /reports/finance": timed(page("/reports/finance"), runs),
        "GET /reports/finance (state + period)": timed(page(FILTERED), runs),
    }
    counts = []
    for url in ("/reports/finance", FILTERED):
        with counting(conn.engine) as statements:
            page(url)()
        counts.append(len(statements))
    return {"timings": results, "statements": counts}


def run(url: str, grants: int, disbursements: int, contributions: int, runs: int, analyze: bool):
    def seeded(conn):
        return seed(conn, grants, disbursements, contributions)

    return run_rolled_back(url, seeded, measure, runs, analyze)


def report(result: dict) -> bool:
    seeded = result["seeded"]
    print(
        f"backend {result['backend']}: {seeded['grants']} grants, {seeded['disbursements']}"
        f" disbursements, {seeded['contributions']} co-finance entries seeded in"
        f" {result['seed_seconds']:.1f} s{' (ANALYZE run)' if result['analyzed'] else ''}"
    )
    hello_wall, hello_cpu = result["timings"][HELLO]
    print(f"{'measurement (median)':42} {'wall ms':>9} {'cpu ms':>9} {'% of hello (wall/cpu)':>22}")
    for name, (wall, cpu) in result["timings"].items():
        share = (
            f"{hello_wall / wall * 100:.2f}% / {hello_cpu / cpu * 100:.2f}%"
            if name.startswith("GET") and wall and cpu
            else ""
        )
        print(f"{name:42} {wall * 1000:9.2f} {cpu * 1000:9.2f} {share:>22}")
    plain, filtered = result["statements"]
    print(f"SQL statements for the dashboard: {plain} (filtered: {filtered})")
    slowest = max(
        result["timings"]["GET /reports/finance"][0],
        result["timings"]["GET /reports/finance (state + period)"][0],
    )
    ok = slowest < LIMIT_SECONDS and plain == filtered
    print(f"dashboard {'within' if ok else 'OVER'} {LIMIT_SECONDS:.1f} s")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=5000)
    parser.add_argument("--disbursements", type=int, default=20000)
    parser.add_argument("--contributions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE (PostgreSQL)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="bench-finance-") as tmp:
        if not url.startswith("postgresql"):
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        result = run(
            url,
            args.grants,
            args.disbursements,
            args.contributions,
            args.runs,
            analyze=not args.no_analyze,
        )
    return 0 if report(result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
