"""The ranking page of a call with 2,000 applications × 3 reviews × 6 criteria.

Seeds one call with bulk inserts (2,000 applications under review, 6,000 submitted reviews,
36,000 scores, a consensus on every tenth application), runs ``ANALYZE`` on PostgreSQL (see
the pitfalls note: fresh tables plan badly until analysed), then times, in the same run:

- baseline: ``SELECT 1`` and a trivial logged-in page (``/dashboard``);
- ``ranking.build`` alone (the aggregation), and the whole ranking page
  (``GET /calls/<code>/ranking``) through Flask's test client, with its SQL statement count.

Everything happens inside one transaction that is rolled back at the end, so it can run
against a development database: SQLite in a temporary file by default, or PostgreSQL with
``DATABASE_URL=postgresql+psycopg://...`` (migrated to head first if needed).

    python -m bench ranking
    python -m bench.ranking --applications 500 --runs 3 [--no-analyze]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench._harness import counting, run_rolled_back, sign_in, timed
from bench._scale import EVALUATION_CODE as CODE
from bench._scale import seed_evaluation

LIMIT_SECONDS = 1.0


def seed(conn, applications: int) -> dict:
    """Bulk-insert the call and its evaluation; returns the ids the measurement needs."""
    return seed_evaluation(conn, applications, code=CODE)


def measure(app, conn, seeded: dict, runs: int) -> dict:
    from sqlalchemy import select, text

    from portal.calls.models import Call
    from portal.core.db import db
    from portal.reviews import operations, ranking

    client = app.test_client()
    manager = seeded["manager"]
    cookie_id = sign_in(manager["id"])
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
        session["_fresh"] = True

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def build():
        with app.test_request_context("/"):
            call = db.session.scalar(select(Call).where(Call.code == CODE))
            result = ranking.build(call, operations.rubric_of(call), operations.panel_of(call))
            assert len(result.rows) > 0
            db.session.remove()

    results = {
        "SELECT 1": timed(lambda: conn.execute(text("SELECT 1")).scalar(), runs),
        "GET /dashboard (baseline page)": timed(page("/dashboard"), runs),
        "ranking.build (aggregation only)": timed(build, runs),
        f"GET /calls/{CODE}/ranking": timed(page(f"/calls/{CODE}/ranking"), runs),
    }
    with counting(conn.engine) as statements:
        page(f"/calls/{CODE}/ranking")()
    return {"timings": results, "statements": len(statements)}


def run(url: str, applications: int, runs: int, analyze: bool) -> dict:
    return run_rolled_back(url, lambda conn: seed(conn, applications), measure, runs, analyze)


def report(result: dict, applications: int) -> bool:
    seeded = result["seeded"]
    print(
        f"backend {result['backend']}: {applications} applications, {seeded['reviews']} reviews,"
        f" {seeded['scores']} scores seeded in {result['seed_seconds']:.1f} s"
        f"{' (ANALYZE run)' if result['analyzed'] else ''}"
    )
    print(f"{'measurement (median)':48} {'ms':>9}")
    for name, seconds in result["timings"].items():
        print(f"{name:48} {seconds * 1000:9.1f}")
    page = result["timings"][f"GET /calls/{CODE}/ranking"]
    print(f"SQL statements for the ranking page: {result['statements']}")
    ok = page < LIMIT_SECONDS
    print(f"ranking page {'within' if ok else 'OVER'} {LIMIT_SECONDS:.1f} s")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE (PostgreSQL)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="bench-ranking-") as tmp:
        if not url.startswith("postgresql"):
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        result = run(url, args.applications, args.runs, analyze=not args.no_analyze)
    return 0 if report(result, args.applications) else 1


if __name__ == "__main__":
    raise SystemExit(main())
