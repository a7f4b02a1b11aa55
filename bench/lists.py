"""List and API pages at scale: a call with 2,000 applications, 5,000 grants, 20,000 payments.

Seeds with the bulk inserts of ``bench.ranking`` (one call with 2,000 applications under review,
3 reviews each) and ``bench.finance_dashboard`` (5,000 active grants, 20,000 disbursements,
10,000 co-finance entries), runs ``ANALYZE`` on PostgreSQL, then times in the same process,
through Flask's test client, each list page next to two baselines measured in the same run:
a bare Flask "hello world" app and the portal's anonymous home page. Prints each page's median
time, its share of the hello world (hello time / page time, the in-process analogue of the
throughput share in issue 18) and its SQL statement count.

Everything happens inside one transaction that is rolled back at the end.

    python -m bench lists
    DATABASE_URL=postgresql+psycopg://... python -m bench lists --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import finance_dashboard, ranking
from bench._harness import counting, run_rolled_back, sign_in

CLOCK = {"clock": time.perf_counter}


def timed(function, runs: int) -> float:
    """Median seconds of ``runs`` calls after one warm-up, on ``CLOCK`` (wall or CPU time)."""
    clock = CLOCK["clock"]
    function()
    samples = []
    for _ in range(runs):
        started = clock()
        function()
        samples.append(clock() - started)
    return statistics.median(samples)


def seed(conn, applications: int, grants: int, disbursements: int) -> dict:
    evaluation = ranking.seed(conn, applications)
    money = finance_dashboard.seed(conn, grants, disbursements, disbursements // 2)
    # finance_dashboard.seed makes its finance officer, then its programme's grants manager.
    fin_manager = {"id": money["officer"]["id"] + 1}
    return {
        "manager": evaluation["manager"],
        "officer": money["officer"],
        "fin_manager": fin_manager,
    }


def _hello():
    from flask import Flask

    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    client = hello.test_client()

    def get():
        assert client.get("/").status_code == 200

    return get


def pages(code: str) -> list[tuple[str, str, str]]:
    """(label, who, url): who is "anonymous", "manager", "officer" or "token" (the officer's
    personal access token)."""
    return [
        ("public calls list", "anonymous", "/calls/"),
        ("a call page", "anonymous", f"/calls/{code}"),
        ("staff applications list (2,000)", "manager", f"/calls/{code}/applications"),
        ("dashboard (grants manager)", "manager", "/dashboard"),
        ("dashboard (finance officer)", "officer", "/dashboard"),
        ("call awards list (500 awards)", "fin_manager", "/awards/calls/BENCH-FIN-00"),
        ("organisations list", "officer", "/organisations/all"),
        ("/api/v1/awards", "token", "/api/v1/awards"),
        ("/api/v1/disbursements", "token", "/api/v1/disbursements"),
        ("/api/v1/calls", "token", "/api/v1/calls"),
    ]


def measure(app, conn, seeded: dict, runs: int) -> dict:
    from sqlalchemy import select, text

    from portal.accounts.models import User
    from portal.api.operations import create_token
    from portal.core.db import db

    clients = {"anonymous": app.test_client()}
    for who in ("manager", "officer", "fin_manager"):
        client = app.test_client()
        cookie_id = sign_in(seeded[who]["id"])
        with client.session_transaction() as session:
            session["_user_id"] = cookie_id
            session["_fresh"] = True
        clients[who] = client
    with app.test_request_context("/"):
        officer = db.session.scalar(select(User).where(User.id == seeded["officer"]["id"]))
        _, secret = create_token(officer, name="bench", days=30)
        db.session.commit()
        db.session.remove()
    headers = {"token": {"Authorization": f"Bearer {secret}"}}

    def page(who, url):
        client = clients.get(who, clients["anonymous"])

        def get():
            # A fresh application context per request: the measurement runs inside one, which
            # a test-client request would otherwise reuse (``g`` and the logged-in user shared).
            with app.app_context():
                response = client.get(url, headers=headers.get(who, {}))
                assert response.status_code == 200, (url, response.status_code, response.location)

        return get

    timings = {
        "SELECT 1": timed(lambda: conn.execute(text("SELECT 1")).scalar(), runs),
        "hello world (bare Flask)": timed(_hello(), runs),
        "GET / (anonymous home)": timed(page("anonymous", "/"), runs),
    }
    counts = {}
    for label, who, url in pages(ranking.CODE):
        timings[label] = timed(page(who, url), runs)
        with counting(conn.engine) as statements:
            page(who, url)()
        counts[label] = len(statements)
    return {"timings": timings, "statements": counts}


def report(result: dict) -> None:
    hello = result["timings"]["hello world (bare Flask)"]
    print(f"backend: {result['backend']}, analyzed: {result['analyzed']}")
    print(f"{'page':40} {'ms':>9} {'% of hello':>11} {'statements':>11}")
    for label, seconds in result["timings"].items():
        count = result["statements"].get(label, "")
        print(f"{label:40} {seconds * 1000:9.2f} {100 * hello / seconds:10.2f}% {count:>11}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--grants", type=int, default=5000)
    parser.add_argument("--disbursements", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE (PostgreSQL)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU time (steadier on a busy machine; on PostgreSQL it"
        " leaves out the server's share)",
    )
    args = parser.parse_args(argv)
    if args.cpu:
        CLOCK["clock"] = time.process_time
    with tempfile.TemporaryDirectory(prefix="bench-lists-") as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        result = run_rolled_back(
            url,
            lambda conn: seed(conn, args.applications, args.grants, args.disbursements),
            measure,
            args.runs,
            not args.no_analyze,
        )
    report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
