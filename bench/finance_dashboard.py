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
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench._harness import _next_ids, counting, run_rolled_back, sign_in

LIMIT_SECONDS = 1.0
ORGANISATIONS = 200
STATES = ("19", "26", "09", "14", "15", "21", "05", "08", "02", "31")
CALLS = 10
CLABE = "032180000118359719"
FILTERED = "/reports/finance?state=19&date_from=2026-01-01&date_to=2026-06-30"


def seed(conn, grants: int, disbursements: int, contributions: int) -> dict:
    """Bulk-insert the grants and their money; returns what the measurement needs."""
    from sqlalchemy import insert

    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application
    from portal.awards.models import Award, CofinanceCommitment, Milestone
    from portal.calls.models import Call, Programme, programme_managers
    from portal.core.db import now_utc
    from portal.finance.models import CofinanceContribution, Disbursement, PaymentRequest
    from portal.organisations.models import Organisation
    from portal.reporting.models import ExchangeRate

    t = {
        m.__tablename__: m.__table__
        for m in (
            User,
            UserRole,
            Organisation,
            Programme,
            Call,
            Application,
            Award,
            Milestone,
            CofinanceCommitment,
            Disbursement,
            CofinanceContribution,
            PaymentRequest,
            ExchangeRate,
        )
    }
    ids = _next_ids(conn, *t.values())
    now = now_utc()
    today = now.date()
    rng = random.Random(2026)

    def rows(table, items):
        for start in range(0, len(items), 5000):
            conn.execute(insert(t[table]), items[start : start + 5000])

    uid = ids["users"]
    users = [
        {
            "id": uid + i,
            "email": f"bench-fin-{uid + i}@example.org",
            "full_name": f"Bench {i}",
            "password_hash": None,
            "locale": "en",
        }
        for i in range(3)
    ]
    rows("users", users)
    roles = ("finance_officer", "grants_manager", "applicant")
    rows("user_roles", [{"user_id": u["id"], "role": r} for u, r in zip(users, roles, strict=True)])
    officer, manager, grantee = (u["id"] for u in users)

    oid = ids["organisations"]
    rows(
        "organisations",
        [
            {
                "id": oid + i,
                "kind": "cso",
                "legal_name": f"Organización {i} A.C.",
                "tax_residence": "mexico",
                "rfc": f"BZF{oid + i:06d}A1"[:12],
                "state_code": STATES[i % len(STATES)],
                "municipality": "Centro",
                "address": "Centro",
                "legal_rep_name": "Ana",
            }
            for i in range(ORGANISATIONS)
        ],
    )
    pid = ids["programmes"]
    rows(
        "programmes",
        [
            {
                "id": pid + i,
                "name_es": f"Banco {currency}",
                "name_en": f"Bench {currency}",
                "donor": "Bench",
                "currency": currency,
                "envelope": Decimal("10000000000"),
            }
            for i, currency in enumerate(("MXN", "USD"))
        ],
    )
    conn.execute(
        insert(programme_managers),
        [{"programme_id": pid, "user_id": manager}],
    )
    cid = ids["calls"]
    calls = [
        {
            "id": cid + i,
            "programme_id": pid + (1 if i == CALLS - 1 else 0),
            "code": f"BENCH-FIN-{i:02d}",
            "status": "closed",
            "title_es": f"Banco {i}",
            "title_en": f"Bench {i}",
            "currency": "USD" if i == CALLS - 1 else "MXN",
            "opens_dt": now - timedelta(days=400),
            "closes_dt": now - timedelta(days=300),
            "budget": Decimal("1000000000"),
            "min_award": Decimal("1"),
            "max_award": Decimal("100000000"),
            "offers_fixed_amount": True,
            "published_dt": now - timedelta(days=400),
            "closed_dt": now - timedelta(days=300),
            "applicant_kinds": ["cso"],
            "state_codes": [],
            "thematic_areas": [],
        }
        for i in range(CALLS)
    ]
    rows("calls", calls)

    aid, wid, mid, kid = (
        ids["applications"],
        ids["awards"],
        ids["award_milestones"],
        ids["award_cofinance_commitments"],
    )
    applications, awards, milestones, commitments = [], [], [], []
    for n in range(grants):
        call = calls[n % CALLS]
        amount = Decimal(rng.randrange(100, 1000) * 1000)
        applications.append(
            {
                "id": aid + n,
                "call_id": call["id"],
                "organisation_id": oid + n % ORGANISATIONS,
                "created_by_id": grantee,
                "number": n + 1,
                "reference": f"BENCH-FIN-{n + 1:05d}",
                "title": f"Proyecto {n + 1}",
                "status": "awarded",
                "form_version": 1,
                "form_snapshot": {"schema": 1},
                "currency": call["currency"],
                "submitted_dt": now - timedelta(days=350),
            }
        )
        awards.append(
            {
                "id": wid + n,
                "application_id": aid + n,
                "call_id": call["id"],
                "programme_id": call["programme_id"],
                "organisation_id": oid + n % ORGANISATIONS,
                "status": "active",
                "instrument": "fixed_amount",
                "amount": amount,
                "currency": call["currency"],
                "justification": "Bench",
                "proposed_by_id": manager,
            }
        )
        half = amount / 2
        for k, due in enumerate(
            (today + timedelta(days=rng.randrange(-120, 60)), today + timedelta(days=200))
        ):
            milestones.append(
                {
                    "id": mid + 2 * n + k,
                    "award_id": wid + n,
                    "position": k,
                    "deliverable": f"Entregable {k + 1}",
                    "verification": "Informe",
                    "due_date": due,
                    "amount": half,
                    "currency": call["currency"],
                    "status": "planned" if n % 3 else "paid",
                }
            )
        for k, (kind, counts_as) in enumerate(
            (
                ("state_institution", "cost_share"),
                (("private_company", "other_donor")[n % 2], "leverage"),
            )
        ):
            commitments.append(
                {
                    "id": kid + 2 * n + k,
                    "award_id": wid + n,
                    "contributor_name": f"Cofinanciador {k}",
                    "contributor_type": kind,
                    "nature": "cash",
                    "counts_as": counts_as,
                    "amount": amount * Decimal("0.2") if k == 0 else amount * Decimal("0.1"),
                    "position": k,
                }
            )
    rows("applications", applications)
    rows("awards", awards)
    rows("award_milestones", milestones)
    rows("award_cofinance_commitments", commitments)

    did = ids["disbursements"]
    entries = []
    for n in range(disbursements):
        award = awards[n % grants]
        paid_on = today - timedelta(days=rng.randrange(0, 700))
        value = (award["amount"] / 20).quantize(Decimal("0.01"))
        if n % 50 == 49:  # a reversal of the previous entry
            previous = entries[-1]
            entries.append(
                {
                    **previous,
                    "id": did + n,
                    "kind": "reversal",
                    "reverses_id": previous["id"],
                    "amount": -previous["amount"],
                    "award_amount": -previous["award_amount"],
                    "idempotency_key": f"bench-fin-{did + n}",
                }
            )
            continue
        entries.append(
            {
                "id": did + n,
                "award_id": award["id"],
                "kind": "payment",
                "reverses_id": None,
                "paid_on": paid_on,
                "amount": value,
                "currency": award["currency"],
                "award_amount": value,
                "award_currency": award["currency"],
                "bank_reference": f"SPEI {n}",
                "clabe": CLABE,
                "note": "",
                "idempotency_key": f"bench-fin-{did + n}",
                "recorded_by_id": officer,
            }
        )
    rows("disbursements", entries)

    xid = ids["cofinance_contributions"]
    statuses = ("verified", "verified", "reported", "rejected")
    rows(
        "cofinance_contributions",
        [
            {
                "id": xid + n,
                "award_id": awards[n % grants]["id"],
                "commitment_id": None if n % 10 == 9 else kid + 2 * (n % grants) + n % 2,
                "contributor_name": "Cofinanciador",
                "nature": "cash",
                "counts_as": "cost_share" if n % 2 == 0 else "leverage",
                "amount": Decimal(rng.randrange(1, 50) * 1000),
                "currency": awards[n % grants]["currency"],
                "contributed_on": today - timedelta(days=rng.randrange(0, 700)),
                "status": statuses[n % 4],
                "reason": "Sin evidencia" if statuses[n % 4] == "rejected" else None,
                "reported_by_id": grantee,
            }
            for n in range(contributions)
        ],
    )
    qid = ids["payment_requests"]
    waiting = ("submitted", "deliverable_approved", "payment_approved")
    requests = []
    for n in range(min(500, grants)):
        status = waiting[n % 3]
        since = now - timedelta(days=rng.randrange(0, 30))
        requests.append(
            {
                "id": qid + n,
                "award_id": awards[n]["id"],
                "milestone_id": mid + 2 * n + 1,
                "status": status,
                "narrative": "Bench",
                "amount": milestones[2 * n + 1]["amount"],
                "currency": awards[n]["currency"],
                "created_by_id": grantee,
                "certified_name": "Ana",
                "certified_by_id": grantee,
                "certified_dt": since,
                "deliverable_by_id": manager if status != "submitted" else None,
                "deliverable_dt": since if status != "submitted" else None,
                "approved_amount": milestones[2 * n + 1]["amount"]
                if status == "payment_approved"
                else None,
                "payment_dt": since if status == "payment_approved" else None,
            }
        )
    rows("payment_requests", requests)
    rows(
        "exchange_rates",
        [
            {
                "id": ids["exchange_rates"],
                "base": "USD",
                "quote": "MXN",
                "rate_on": date(2000, 1, 3),  # old enough not to clash with a stored one
                "rate": Decimal("9.5"),
                "source": "banxico_fix",
                "recorded_by_id": officer,
            }
        ],
    )
    # Core bulk inserts bypass the ORM events that keep the per-award summaries: rebuild them
    # (what migration 0027 does for an existing database).
    from portal.finance import summaries

    summaries.rebuild(conn)
    return {
        "officer": users[0],
        "grants": grants,
        "disbursements": len(entries),
        "contributions": contributions,
    }


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
