"""Every page next to a hello world, at issue 18's scale (10,009 applications).

Creates a scratch database (``cofinancia_bench_pages`` on PostgreSQL, dropped and recreated;
or an SQLite file in a temporary directory), migrates it to head, seeds the scale with bulk
inserts (``bench/_scale.py``), commits, runs ``ANALYZE``; serves the portal (production
configuration) and a Flask hello world with the same gunicorn settings; signs each role in
through the real login form and loads every page with wrk; counts each page's SQL statements
in-process; prints one table with each page's throughput as a share of the hello world's,
next to issue 18's targets. See bench/README.md ("pages").

    python -m bench pages
    python -m bench pages --database sqlite --scale small --duration 3 --only home,ranking
    python -m bench pages --instances 2    # two gunicorn instances behind HAProxy
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import _load, _proxy, _scale, _serve

PORTAL_PORT = 8100
HELLO_PORT = 8101
DATABASE = "cofinancia_bench_pages"
POSTGRES = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
HOME_TARGET = 50.0
PAGE_TARGET = 15.0
RANKING_SQL_RATIO = 2.0
GRANT_FINANCE_STATEMENTS = 15
SQL_RUNS = 20
SEQUENTIAL_RUNS = 5


@dataclass(frozen=True)
class Page:
    name: str  # for --only
    url: str  # a template filled from seed_world's result
    role: str | None  # None: anonymous; "token": the API token; else an ACCOUNTS role
    target: float = PAGE_TARGET  # % of the hello world's req/s


# The pages issue 18 measures; add a row to measure one more.
PAGES = (
    Page("home", "/", None, HOME_TARGET),
    Page("calls", "/calls/", None),
    Page("call", "/calls/{evaluation_code}", None),
    Page("login", "/login", None),
    Page("dashboard-applicant", "/dashboard", "applicant"),
    Page("dashboard-reviewer", "/dashboard", "reviewer"),
    Page("dashboard-manager", "/dashboard", "grants_manager"),
    Page("dashboard-finance", "/dashboard", "finance_officer"),
    Page("dashboard-admin", "/dashboard", "admin"),
    Page("my-applications", "/applications/", "applicant"),
    Page("my-reviews", "/reviews/", "reviewer"),
    Page("call-applications", "/calls/{evaluation_code}/applications", "grants_manager"),
    Page("ranking", "/calls/{evaluation_code}/ranking", "grants_manager"),
    Page("screening", "/calls/{evaluation_code}/screening", "grants_manager"),
    Page("progress", "/calls/{evaluation_code}/progress", "grants_manager"),
    Page("assignments", "/calls/{evaluation_code}/assignments", "grants_manager"),
    Page("call-awards", "/awards/calls/{evaluation_code}", "grants_manager"),
    Page("programmes", "/programmes/", "grants_manager"),
    Page("organisations", "/organisations/all", "grants_manager"),
    Page("users", "/admin/users", "admin"),
    Page("audit", "/audit/", "admin"),
    Page("finance-dashboard", "/reports/finance", "finance_officer"),
    Page("finance-dashboard-state", "/reports/finance?state=19", "finance_officer"),
    Page("finance", "/finance/", "finance_officer"),
    Page("grant-finance", "/finance/grants/{busiest_award}", "finance_officer"),
    Page("report-queue", "/grant-reports/queue", "grants_manager"),
    Page("results", "/reports/results/", "grants_manager"),
    Page("api-awards", "/api/v1/awards", "token"),
    Page("api-disbursements", "/api/v1/disbursements", "token"),
    Page("api-cofinance", "/api/v1/cofinance", "token"),
    Page("api-calls", "/api/v1/calls", "token"),
)
EXPORTS = ("/reports/exports/disbursements.csv", "/reports/exports/disbursements.xlsx")

# The baseline of the ranking page: for every application of the call, the mean score per
# criterion over submitted reviews and the weighted total, in one GROUP BY pass over
# scores ⋈ reviews ⋈ assignments; the total on 100 (``scoring.weighted_total``: Σ weight ×
# mean / Σ weight × maximum) by a window over the grouped rows.
RANKING_SQL = """
SELECT a.application_id, s.criterion_id, AVG(s.score) AS mean,
       100 * SUM(AVG(s.score) * c.weight) OVER w / SUM(c.weight * c.max_score) OVER w AS total
FROM review_scores s
JOIN reviews r ON r.id = s.review_id
JOIN review_assignments a ON a.id = r.assignment_id
JOIN review_criteria c ON c.id = s.criterion_id
WHERE a.call_id = :call_id AND r.status = 'submitted' AND NOT a.conflict
GROUP BY a.application_id, s.criterion_id, c.weight, c.max_score
WINDOW w AS (PARTITION BY a.application_id)
"""


def page_urls(world: dict, pages=PAGES) -> list[tuple[Page, str]]:
    return [(page, page.url.format(**world)) for page in pages]


def server_env(url: str) -> dict[str, str]:
    """The portal's production settings for the benchmark (README: what is raised)."""
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "bench-pages-not-secret",
        "DATABASE_URL": url,
        "MFA_REQUIRED_ROLES": "",
        "RATELIMIT_ENABLED": "true",
        # One token loads the API with wrk: 300 per minute would refuse it within a second.
        "API_RATE_LIMIT": "100000000 per minute",
        "MAIL_SERVER": "",
        "REDIS_URL": "",
        "STORAGE_LOCAL_ROOT": tempfile.gettempdir(),
    }


# --- the database ------------------------------------------------------------------------


def scratch_url(database: str, tmp: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{tmp / 'bench-pages.sqlite3'}"
    if database == "postgresql":
        return POSTGRES
    return database


def recreate(url: str) -> None:
    """Drop and create the PostgreSQL database named in ``url`` (nothing for SQLite)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def build_world(url: str, scale: str) -> tuple[dict, float]:
    """Migrate ``url`` to head, seed and commit the world, ANALYZE; (world, seconds)."""
    from sqlalchemy import create_engine, text

    from portal.core.migrate import upgrade

    upgrade(url)
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        world = _scale.seed_world(conn, scale)
        _scale.reset_sequences(conn)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    seconds = time.perf_counter() - started
    engine.dispose()
    return world, seconds


def bare_ranking_sql(url: str, call_id: int, runs: int = SQL_RUNS) -> float:
    """Median seconds of ``RANKING_SQL`` (all rows fetched), after one warm-up run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    samples = []
    with engine.connect() as conn:
        for n in range(runs + 1):
            started = time.perf_counter()
            rows = conn.execute(text(RANKING_SQL), {"call_id": call_id}).all()
            if n:
                samples.append(time.perf_counter() - started)
    engine.dispose()
    assert rows, "the ranking SQL found no scores"
    return statistics.median(samples)


# --- signing in over HTTP ------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise ValueError("no csrf_token in the login form")
    return match.group(1) or match.group(2)


def _cookies(response, jar: dict[str, str]) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    conn.close()
    return response.status, body, seconds


def sign_in_http(port: int, email: str, password: str) -> str:
    """The Cookie header of a session opened through the real login form."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    _cookies(response, jar)
    form = urlencode(
        {"csrf_token": csrf_token(html), "email": email, "password": password, "next": ""}
    )
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
        },
    )
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    conn.close()
    if response.status != 302:
        raise RuntimeError(f"signing in {email} answered {response.status}, not a redirect")
    return _cookie_header(jar)


# --- statements, in-process ----------------------------------------------------------------


def count_statements(url: str, world: dict, pages: list[tuple[Page, str]]) -> dict[str, int]:
    """One request per page after one warm-up request, through Flask's test client on an
    app with the served configuration; statements seen by the engine."""
    from bench._harness import counting
    from portal import create_app
    from portal.core.db import db

    os.environ.update(server_env(url))
    app = create_app("production")
    clients: dict[str | None, object] = {}
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    for page, path in pages:
        role = page.role
        if role not in clients:
            client = app.test_client()
            if role not in (None, "token"):
                form = client.get("/login", base_url="https://localhost").get_data(as_text=True)
                answer = client.post(
                    "/login",
                    base_url="https://localhost",
                    headers={"Referer": "https://localhost/login"},  # CSRF over HTTPS
                    data={
                        "csrf_token": csrf_token(form),
                        "email": world["emails"][role],
                        "password": world["password"],
                    },
                )
                assert answer.status_code == 302, (role, answer.status_code)
            clients[role] = client
        client = clients[role]
        headers = {"Authorization": f"Bearer {world['token']}"} if role == "token" else {}

        def get(client=client, path=path, headers=headers):
            return client.get(path, base_url="https://localhost", headers=headers)

        get()
        with counting(engine) as statements:
            status = get().status_code
        counts[page.name] = len(statements) if status == 200 else -status
    with app.app_context():
        db.engine.dispose()
    return counts


# --- the run -------------------------------------------------------------------------------


@dataclass
class Row:
    page: Page
    path: str
    load: _load.Load | None
    status: int


def measure_pages(args, url: str, world: dict, pages, log: Path):
    env = server_env(url)
    hello_env = {"PORTAL_ENV": "production"}
    rows: list[Row] = []
    ranking_alone = None
    with (
        _proxy.served("wsgi:app", PORTAL_PORT, env, log, args.instances),
        _serve.served("bench._hello:app", HELLO_PORT, hello_env, log),
    ):

        def hello():
            return _load.run(f"http://127.0.0.1:{HELLO_PORT}/", args.duration, args.connections)

        first = hello()
        print(f"hello world (start): {first.requests_per_second:,.0f} req/s", flush=True)
        cookies: dict[str, str] = {}
        for role in {p.role for p, _ in pages} - {None, "token"}:
            cookies[role] = sign_in_http(PORTAL_PORT, world["emails"][role], world["password"])
        for page, path in pages:
            if page.role == "token":
                headers = {"Authorization": f"Bearer {world['token']}"}
            elif page.role:
                headers = {"Cookie": cookies[page.role]}
            else:
                headers = {}
            status, _, _ = http_get(PORTAL_PORT, path, headers)
            load = None
            if status == 200:
                load = _load.run(
                    f"http://127.0.0.1:{PORTAL_PORT}{path}",
                    args.duration,
                    args.connections,
                    headers=headers,
                )
            rows.append(Row(page, path, load, status))
            if page.name == "ranking" and status == 200:
                ranking_alone = statistics.median(
                    http_get(PORTAL_PORT, path, headers)[2] for _ in range(SEQUENTIAL_RUNS)
                )
            shown = f"{load.requests_per_second:,.1f} req/s" if load else f"HTTP {status}"
            print(f"  {page.name:26} {shown}", flush=True)
        exports = []
        if "finance_officer" in cookies:
            for path in EXPORTS:
                status, body, seconds = http_get(
                    PORTAL_PORT, path, {"Cookie": cookies["finance_officer"]}
                )
                exports.append((path, status, seconds, len(body)))
        last = hello()
        print(f"hello world (end): {last.requests_per_second:,.0f} req/s", flush=True)
    return rows, first, last, exports, ranking_alone


def report(
    rows, first, last, counts, ranking, exports, world, seed_seconds, url, instances=1
) -> bool:
    """Print the table; True when every target is met. ``ranking`` is (the ranking page's
    median over sequential requests, the bare SQL's median), in seconds."""
    baseline = (first.requests_per_second + last.requests_per_second) / 2
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    counted = world["counts"]
    print()
    print(
        f"{backend}: {counted['applications']:,} applications, {counted['awards']:,} awards,"
        f" {counted['disbursements']:,} disbursements, {counted['contributions']:,} co-finance"
        f" entries, {counted['scores']:,} scores, {counted['users']:,} users"
        f" (seeded in {seed_seconds:.0f} s)"
    )
    tool = first.tool
    print(
        f"hello world: {first.requests_per_second:,.0f} req/s at the start,"
        f" {last.requests_per_second:,.0f} at the end; 100 % = their mean {baseline:,.0f}"
        f" (load: {tool}, {_serve.WORKERS} gunicorn sync workers)"
    )
    print(
        f"portal: {instances} instance(s) of {_serve.WORKERS} workers"
        + (" behind HAProxy" if instances > 1 else "")
    )
    print()
    header = (
        f"{'page':26} {'url':44} {'role':16} {'req/s':>8} {'% hello':>8} {'target':>7}"
        f" {'p50 ms':>8} {'p99 ms':>8} {'stmts':>6}  result"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for row in rows:
        statements = counts.get(row.page.name, 0)
        role = row.page.role or "anonymous"
        if row.load is None or not row.load.requests:
            ok = False
            why = f"HTTP {row.status}" if row.load is None else "no request done in time"
            print(f"{row.page.name:26} {row.path[:44]:44} {role:16} {why}  MISS")
            continue
        share = 100 * row.load.requests_per_second / baseline
        met = share >= row.page.target and row.load.errors == 0
        ok &= met
        errors = f" ({row.load.errors} errors)" if row.load.errors else ""
        print(
            f"{row.page.name:26} {row.path[:44]:44} {role:16}"
            f" {row.load.requests_per_second:8.1f} {share:7.2f}% {row.page.target:6.0f}%"
            f" {row.load.p50_ms:8.1f} {row.load.p99_ms:8.1f} {statements:6d}"
            f"  {'OK' if met else 'MISS'}{errors}"
        )
    print()
    by_name = {row.page.name: row for row in rows}
    page_alone, sql = ranking
    if page_alone and sql:
        ratio = page_alone / sql
        met = ratio <= RANKING_SQL_RATIO
        ok &= met
        print(
            f"ranking page {page_alone * 1000:.1f} ms (median of {SEQUENTIAL_RUNS} sequential"
            f" requests) / bare aggregation SQL {sql * 1000:.1f} ms (median of {SQL_RUNS})"
            f" = {ratio:.1f}x (target <= {RANKING_SQL_RATIO:.0f}x)  {'OK' if met else 'MISS'}"
        )
        loaded = by_name["ranking"].load
        if loaded and loaded.requests:
            print(
                f"  (under load, {loaded.requests} requests in the run: p50"
                f" {loaded.p50_ms:.1f} ms = {loaded.p50_ms / (sql * 1000):.1f}x the SQL)"
            )
    if "grant-finance" in counts:
        statements = counts["grant-finance"]
        met = 0 <= statements <= GRANT_FINANCE_STATEMENTS
        ok &= met
        print(
            f"grant finance page (award {world['busiest_award']}, the most disbursements):"
            f" {statements} statements (target <= {GRANT_FINANCE_STATEMENTS})"
            f"  {'OK' if met else 'MISS'}"
        )
    for path, status, seconds, size in exports:
        print(
            f"export {path}: HTTP {status}, {seconds:.2f} s, {size / 1024:,.0f} KiB (one request)"
        )
    return ok


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench pages", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database",
        default="postgresql",
        help="postgresql (default: the scratch database on 127.0.0.1:5432), sqlite, or a URL"
        " whose database is dropped and recreated",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--scale", choices=("full", "small"), default="full")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="portal instances (gunicorn, each with its workers); 2 or more are served behind"
        " HAProxy on the same port (cluster/haproxy.py)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv if argv is not None else [])
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = wanted - {p.name for p in PAGES}
    if unknown:
        print(f"unknown page(s): {', '.join(sorted(unknown))}; have: {[p.name for p in PAGES]}")
        return 2
    chosen = [p for p in PAGES if not wanted or p.name in wanted]
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        url = scratch_url(args.database, Path(tmp))
        recreate(url)
        try:
            print(f"seeding the {args.scale} scale ...", flush=True)
            world, seed_seconds = build_world(url, args.scale)
            print(f"seeded in {seed_seconds:.0f} s: {world['counts']}", flush=True)
            pages = page_urls(world, chosen)
            counts = count_statements(url, world, pages)
            ranking_sql = None
            if any(p.name == "ranking" for p in chosen):
                call_id = world["call_ids"][world["evaluation_code"]]
                ranking_sql = bare_ranking_sql(url, call_id)
            log = Path(tmp) / "gunicorn.log"
            try:
                rows, first, last, exports, alone = measure_pages(args, url, world, pages, log)
            except Exception:
                if log.exists():
                    sys.stderr.write(log.read_text()[-5000:])
                raise
            ranking = (alone, ranking_sql)
            ok = report(
                rows,
                first,
                last,
                counts,
                ranking,
                exports,
                world,
                seed_seconds,
                url,
                args.instances,
            )
        finally:
            if not args.keep:
                drop(url)
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
