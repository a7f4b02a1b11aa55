"""The ranking page of a call with 2,000 applications × 3 reviews × 6 criteria.

Seeds one call with bulk inserts (2,000 applications under review, 6,000 submitted reviews,
36,000 scores, a consensus on every tenth application), runs ``ANALYZE`` on PostgreSQL (see
the pitfalls note: fresh tables plan badly until analysed), then times, in the same run:

- baselines: ``SELECT 1``, a trivial logged-in page (``/dashboard``) and the bare aggregation
  SQL (``BARE_SQL``: for every application of the call, the mean score per criterion over the
  submitted reviews and the weighted total, one GROUP BY, every row fetched);
- ``ranking.compute`` (the full recomputation from the reviews: what every view ran before the
  score summaries), ``ranking.build`` (the whole ranking read back from the summaries, as the
  exports do), and the whole ranking page (``GET /calls/<code>/ranking``) through Flask's test
  client, with its SQL statement count; the page ÷ bare SQL ratio against the target ≤ 2×
  (issue 18).

The seed writes with Core bulk inserts, which bypass the summaries' maintenance: it then runs
``summaries.refresh_call`` (what the migration's backfill runs; also the cost of a rubric
change on such a call), timed.

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
TARGET_RATIO = 2.0

# The baseline of issue 18's target: the aggregation alone, in one GROUP BY pass (the window
# sums the weighted means of each application's criteria into its weighted total).
BARE_SQL = """
SELECT r.application_id, s.criterion_id, AVG(s.score) AS mean_score,
       SUM(AVG(s.score) * c.weight) OVER (PARTITION BY r.application_id) AS weighted_total
FROM review_scores s
JOIN reviews r ON r.id = s.review_id
JOIN review_criteria c ON c.id = s.criterion_id
WHERE r.call_id = :call_id AND r.status = 'submitted'
GROUP BY r.application_id, s.criterion_id, c.weight
"""


def seed(conn, applications: int) -> dict:
    """Bulk-insert the call and its evaluation (bench/_scale.py, which also writes the score
    summaries the bulk inserts bypass, timed); returns the ids the measurement needs."""
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

    def whole(function):
        def run_it():
            with app.test_request_context("/"):
                call = db.session.scalar(select(Call).where(Call.code == CODE))
                result = function(call, operations.rubric_of(call), operations.panel_of(call))
                assert len(result.rows) > 0
                db.session.remove()

        return run_it

    def bare():
        rows = conn.execute(text(BARE_SQL), {"call_id": seeded["call_id"]}).all()
        assert rows

    # Before the summaries ``ranking.build`` was the full recomputation and had no twin.
    compute = getattr(ranking, "compute", ranking.build)
    results = {
        "SELECT 1": timed(lambda: conn.execute(text("SELECT 1")).scalar(), runs),
        "GET /dashboard (baseline page)": timed(page("/dashboard"), runs),
        BARE: timed(bare, runs),
        "ranking.compute (full recomputation)": timed(whole(compute), runs),
        "ranking.build (whole ranking, exports)": timed(whole(ranking.build), runs),
        PAGE: timed(page(f"/calls/{CODE}/ranking"), runs),
    }
    try:
        from portal.reviews.summaries import refresh
    except ImportError:  # older code: no summaries to maintain
        refresh = None
    if refresh is not None:
        first = conn.scalar(
            text("SELECT min(id) FROM applications WHERE call_id = :c"), {"c": seeded["call_id"]}
        )
        results[ONE] = timed(lambda: refresh(conn, seeded["call_id"], [first]), runs)
    with counting(conn.engine) as statements:
        page(f"/calls/{CODE}/ranking")()
    return {"timings": results, "statements": len(statements)}


BARE = "bare aggregation SQL (baseline)"
PAGE = f"GET /calls/{CODE}/ranking"
ONE = "summaries.refresh of one application (a submit)"


def run(url: str, applications: int, runs: int, analyze: bool) -> dict:
    return run_rolled_back(url, lambda conn: seed(conn, applications), measure, runs, analyze)


def report(result: dict, applications: int) -> bool:
    seeded = result["seeded"]
    print(
        f"backend {result['backend']}: {applications} applications, {seeded['reviews']} reviews,"
        f" {seeded['scores']} scores seeded in {result['seed_seconds']:.1f} s"
        f"{' (ANALYZE run)' if result['analyzed'] else ''}"
    )
    if seeded.get("refresh_seconds") is not None:
        print(f"summaries written for the call (refresh_call) in {seeded['refresh_seconds']:.2f} s")
    print(f"{'measurement (median)':48} {'ms':>9}")
    for name, seconds in result["timings"].items():
        print(f"{name:48} {seconds * 1000:9.1f}")
    page = result["timings"][PAGE]
    print(f"SQL statements for the ranking page: {result['statements']}")
    ratio = page / result["timings"][BARE]
    print(
        f"ranking page ÷ bare aggregation SQL: {ratio:.2f}× "
        f"({'within' if ratio <= TARGET_RATIO else 'OVER'} the target ≤ {TARGET_RATIO:.0f}×)"
    )
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
