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
import random
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench._harness import _next_ids, counting, run_rolled_back, sign_in, timed

CODE = "BENCH-2026-99"
CRITERIA = 6
REVIEWS = 3
REVIEWERS = 30
ORGANISATIONS = 40
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
    """Bulk-insert the call and its evaluation; returns the ids the measurement needs."""
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application
    from portal.calls.models import Call, Programme, programme_managers
    from portal.core.db import now_utc
    from portal.organisations.models import Organisation
    from portal.reviews import scoring
    from portal.reviews.models import (
        Assignment,
        Consensus,
        ConsensusScore,
        Criterion,
        Panel,
        PanelMember,
        Review,
        ReviewScore,
        Rubric,
    )

    t = {
        m.__tablename__: m.__table__
        for m in (
            User,
            UserRole,
            Organisation,
            Programme,
            Call,
            Rubric,
            Criterion,
            Panel,
            PanelMember,
            Application,
            Assignment,
            Review,
            ReviewScore,
            Consensus,
            ConsensusScore,
        )
    }
    ids = _next_ids(conn, *t.values())
    now = now_utc()
    rng = random.Random(2026)

    def rows(table, items):
        conn.execute(insert(t[table]), items)

    uid = ids["users"]
    users = [
        {
            "id": uid + i,
            "email": f"bench-{uid + i}@example.org",
            "full_name": f"Bench {i}",
            "password_hash": None,
            "locale": "es",
        }
        for i in range(REVIEWERS + 1)
    ]
    rows("users", users)
    rows(
        "user_roles",
        [
            {"user_id": u["id"], "role": "reviewer" if i else "grants_manager"}
            for i, u in enumerate(users)
        ],
    )
    manager, reviewers = users[0]["id"], [u["id"] for u in users[1:]]
    oid = ids["organisations"]
    rows(
        "organisations",
        [
            {
                "id": oid + i,
                "kind": "cso",
                "legal_name": f"Organización {i} A.C.",
                "tax_residence": "mexico",
                "rfc": f"BZQ{oid + i:06d}A1"[:12],
                "state_code": "19",
                "municipality": "Monterrey",
                "address": "Centro",
                "legal_rep_name": "Ana",
            }
            for i in range(ORGANISATIONS)
        ],
    )
    pid, cid = ids["programmes"], ids["calls"]
    rows(
        "programmes",
        [
            {
                "id": pid,
                "name_es": "Banco",
                "name_en": "Bench",
                "donor": "Bench",
                "currency": "MXN",
                "envelope": Decimal("1000000000"),
            }
        ],
    )
    conn.execute(insert(programme_managers), [{"programme_id": pid, "user_id": manager}])
    rows(
        "calls",
        [
            {
                "id": cid,
                "programme_id": pid,
                "code": CODE,
                "status": "published",
                "title_es": "Banco de pruebas",
                "title_en": "Bench",
                "currency": "MXN",
                "opens_dt": now - timedelta(days=60),
                "closes_dt": now - timedelta(days=1),
                "budget": Decimal("100000000"),
                "min_award": Decimal("1"),
                "max_award": Decimal("1000000"),
                "offers_fixed_amount": True,
                "published_dt": now - timedelta(days=60),
                "applicant_kinds": ["cso"],
                "state_codes": [],
                "thematic_areas": [],
            }
        ],
    )
    rid = ids["review_rubrics"]
    rows(
        "review_rubrics",
        [
            {
                "id": rid,
                "call_id": cid,
                "half_points": True,
                "overall_threshold": Decimal("55"),
                "tie_use_cofinance": True,
            }
        ],
    )
    crit_ids = [ids["review_criteria"] + i for i in range(CRITERIA)]
    weights = [Decimal(w) for w in ("25", "20", "20", "15", "10", "10")]
    rows(
        "review_criteria",
        [
            {
                "id": c,
                "rubric_id": rid,
                "position": i,
                "title_es": f"Criterio {i + 1}",
                "title_en": f"Criterion {i + 1}",
                "weight": weights[i],
                "max_score": Decimal(5),
                "min_score": Decimal(2) if i == 0 else None,
                "is_tie_breaker": i == 0,
            }
            for i, c in enumerate(crit_ids)
        ],
    )
    panel = ids["review_panels"]
    rows("review_panels", [{"id": panel, "call_id": cid, "reviewers_per_application": REVIEWS}])
    rows("review_panel_members", [{"panel_id": panel, "user_id": r} for r in reviewers])
    specs = [
        scoring.CriterionSpec(c, w, Decimal(5)) for c, w in zip(crit_ids, weights, strict=True)
    ]

    aid, asg, rev = ids["applications"], ids["review_assignments"], ids["reviews"]
    apps, assignments, reviews, scores, consensus, agreed = [], [], [], [], [], []
    for n in range(applications):
        app_id = aid + n
        apps.append(
            {
                "id": app_id,
                "call_id": cid,
                "organisation_id": oid + n % ORGANISATIONS,
                "created_by_id": manager,
                "number": n + 1,
                "reference": f"{CODE}-{n + 1:04d}",
                "title": f"Proyecto {n + 1}",
                "status": "under_review",
                "answers": {},
                "eligibility_answers": {},
                "form_version": 1,
                "form_snapshot": {"schema": 1},
                "currency": "MXN",
                "cofinance_pct": Decimal(rng.randrange(10, 60)),
                "submitted_dt": now - timedelta(days=2),
            }
        )
        for k in range(REVIEWS):
            a_id, r_id = asg + n * REVIEWS + k, rev + n * REVIEWS + k
            reviewer = reviewers[(n * REVIEWS + k) % REVIEWERS]
            values = {c: Decimal(rng.randrange(0, 11)) / 2 for c in crit_ids}
            assignments.append(
                {
                    "id": a_id,
                    "call_id": cid,
                    "application_id": app_id,
                    "reviewer_id": reviewer,
                    "automatic": True,
                    "conflict": False,
                    "declared_dt": now,
                }
            )
            reviews.append(
                {
                    "id": r_id,
                    "assignment_id": a_id,
                    "call_id": cid,
                    "application_id": app_id,
                    "reviewer_id": reviewer,
                    "status": "submitted",
                    "submitted_dt": now,
                    "points": scoring.weighted_points(specs, values),
                }
            )
            scores += [
                {"review_id": r_id, "criterion_id": c, "score": v, "comment": ""}
                for c, v in values.items()
            ]
        if n % 10 == 0:
            values = {c: Decimal(rng.randrange(4, 11)) / 2 for c in crit_ids}
            consensus.append(
                {
                    "id": ids["review_consensus"] + len(consensus),
                    "application_id": app_id,
                    "call_id": cid,
                    "points": scoring.weighted_points(specs, values),
                    "summary": "Consenso.",
                }
            )
            agreed += [
                {"consensus_id": consensus[-1]["id"], "criterion_id": c, "score": v}
                for c, v in values.items()
            ]
    for table, items in (
        ("applications", apps),
        ("review_assignments", assignments),
        ("reviews", reviews),
        ("review_scores", scores),
        ("review_consensus", consensus),
        ("review_consensus_scores", agreed),
    ):
        for start in range(0, len(items), 5000):
            rows(table, items[start : start + 5000])
    refresh_seconds = _refresh(conn, cid)
    return {
        "manager": users[0],
        "call_id": cid,
        "scores": len(scores),
        "reviews": len(reviews),
        "refresh_seconds": refresh_seconds,
    }


def _refresh(conn, call_id: int) -> float | None:
    """Write the call's score summaries (None before they existed: a run on older code)."""
    import time

    try:
        from portal.reviews.summaries import refresh_call
    except ImportError:
        return None
    started = time.perf_counter()
    refresh_call(conn, call_id)
    return time.perf_counter() - started


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
