"""The deadline surge: applicants autosaving while others submit in the last two minutes.

Issue 18's target: 300 applicants autosaving every 10 seconds while 100 of them submit in the
last two minutes before a call closes: 0 lost saves, 0 errors, every submission sent before
the deadline accepted, p95 under 1 s.

1. A scratch database (dropped and recreated; dropped at the end) migrated to head and seeded
   with bulk inserts: one published call, its form (a required long text, a required number,
   a short text "progress" that the autosaves change), one applicant per organisation (owner
   and signatory, verified, argon2id password with the production parameters) and a draft
   per organisation that would pass the checklist (title, answers, one budget line; the call
   has no quiz, no required documents, no co-finance minimum). ANALYZE on PostgreSQL.
2. gunicorn serving ``wsgi:app`` with the production configuration; by default also a private
   redis-server and an RQ worker (``--jobs rq``, the README's deployment: the acknowledgement
   PDF is made by the worker), or none (``--jobs inline``: made in the submission's request).
3. Every applicant logs in through the real form (CSRF token from the page) and opens the
   edit page, before the clock starts; then the call's deadline is set ``--minutes`` ahead.
   One thread per applicant, sequential like ``static/js/autosave.js`` (one request in flight
   per page): an autosave every ``--interval`` seconds (±20 %), posting the whole form with
   ``X-Autosave: 1`` and the version number of the previous answer. The submitters stop
   autosaving at a random moment of the last two minutes, open the checklist page and post
   the real submit form; a few others try once just after the deadline.
4. After the deadline the database must hold, for every applicant, the last value the server
   acknowledged; every submission sent before the deadline is submitted, none after.

    .venv/bin/python -m bench surge                     # PostgreSQL, 300 / 100, 3 minutes
    .venv/bin/python -m bench.surge --minutes 1 --applicants 60 --submitters 20
    .venv/bin/python -m bench.surge --database sqlite --worker-class gthread

Exit status 1 if any target is missed. Ports 8200-8209.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "SURGE-2026-01"
PASSWORD = "Surge-Bench-Password-2026"
PROGRESS = "progress"  # the question the autosaves change
SCRATCH = "cofinancia_bench_surge"
PORTS = range(8200, 8210)
TIMEOUT = 30.0
LATE_TRIES = 5
P95_LIMIT = 1.0


# Database ------------------------------------------------------------------------------------
def scratch_database(choice: str) -> tuple[str, callable]:
    """(SQLAlchemy URL, drop function) of a freshly created scratch database."""
    if choice == "sqlite" or choice.startswith("sqlite:"):
        folder = tempfile.mkdtemp(prefix="bench-surge-")
        return f"sqlite:///{folder}/surge.sqlite3", lambda: shutil.rmtree(folder, True)
    url = choice if "://" in choice else f"postgresql+psycopg://postgres@127.0.0.1:5432/{SCRATCH}"
    server, _, name = url.rpartition("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the scratch database's name needs 'bench'")
    import psycopg

    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"

    def run(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    from bench._harness import _app
    from portal.core.migrate import upgrade

    with _app(url).app_context():
        upgrade(url)


def seed(url: str, applicants: int) -> dict:
    """Bulk-insert the call, the applicants and their drafts; returns their ids."""
    from argon2 import PasswordHasher
    from sqlalchemy import insert, text

    from config import BaseConfig as C
    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application, BudgetLine, StatusChange
    from portal.calls.form_models import FormQuestion
    from portal.calls.models import Call, Programme
    from portal.core.db import make_engine
    from portal.organisations.models import Membership, Organisation

    hashed = PasswordHasher(
        time_cost=C.ARGON2_TIME_COST,
        memory_cost=C.ARGON2_MEMORY_COST,
        parallelism=C.ARGON2_PARALLELISM,
    )
    password_hash = hashed.hash(PASSWORD)
    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as conn:

        def rows(model, items):
            conn.execute(insert(model.__table__), items)

        rows(Programme, [{"id": 1, "name_es": "Oleada", "name_en": "Surge", "donor": "Bench",
                         "currency": "MXN", "envelope": Decimal("1000000000")}])  # fmt: skip
        rows(Call, [{
            "id": 1, "programme_id": 1, "code": CODE, "status": "published",
            "title_es": "Convocatoria de la oleada", "title_en": "Surge call", "currency": "MXN",
            "opens_dt": now - timedelta(days=30), "closes_dt": now + timedelta(days=1),
            "budget": Decimal("100000000"), "min_award": Decimal("10000"),
            "max_award": Decimal("1000000"), "offers_fixed_amount": True,
            "published_dt": now - timedelta(days=30), "applicant_kinds": [],
            "state_codes": [], "thematic_areas": [],
        }])  # fmt: skip
        questions = [
            ("summary", "long_text", "Resumen del proyecto", "Project summary", True, 4000),
            ("people", "number", "Personas beneficiarias", "People served", True, None),
            (PROGRESS, "short_text", "Avance", "Progress", False, 200),
        ]
        rows(FormQuestion, [
            {"call_id": 1, "key": k, "kind": kind, "label_es": es, "label_en": en,
             "required": req, "position": i, "max_chars": chars, "options": []}
            for i, (k, kind, es, en, req, chars) in enumerate(questions)
        ])  # fmt: skip
        ids = range(1, applicants + 1)
        rows(User, [
            {"id": i, "email": f"solicitante{i}@surge.example", "full_name": f"Solicitante {i}",
             "password_hash": password_hash, "email_verified_dt": now, "locale": "es"}
            for i in ids
        ])  # fmt: skip
        rows(UserRole, [{"user_id": i, "role": "applicant"} for i in ids])
        rows(Organisation, [
            {"id": i, "kind": "cso", "legal_name": f"Organización {i}, A.C.",
             "rfc": f"SRG{i:06d}AA1"[:12], "state_code": "19", "municipality": "Monterrey",
             "address": "Centro", "legal_rep_name": f"Solicitante {i}"}
            for i in ids
        ])  # fmt: skip
        rows(Membership, [
            {"organisation_id": i, "user_id": i, "role": "owner", "is_signatory": True}
            for i in ids
        ])  # fmt: skip
        rows(Application, [
            {"id": i, "call_id": 1, "organisation_id": i, "created_by_id": i,
             "title": f"Proyecto {i}", "status": "draft", "currency": "MXN",
             "answers": {"summary": "Acceso a la justicia.", "people": "120", PROGRESS: "0"},
             "eligibility_answers": {}, "eligible": True, "ineligibility": [],
             "eligibility_dt": now, "created_dt": now, "updated_dt": now}
            for i in ids
        ])  # fmt: skip
        rows(BudgetLine, [
            {"application_id": i, "category": "personnel", "description": "Coordinación",
             "requested": Decimal("250000.00"), "cofinance": Decimal("0"), "position": 0}
            for i in ids
        ])  # fmt: skip
        rows(
            StatusChange,
            [
                {"application_id": i, "to_status": "draft", "by_id": i, "created_dt": now}
                for i in ids
            ],
        )
        if engine.dialect.name == "postgresql":
            for table in ("users", "organisations", "memberships", "applications", "calls"):
                top = f"(SELECT max(id) FROM {table})"
                conn.execute(text(f"SELECT setval('{table}_id_seq', {top})"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return {"applicants": list(ids)}


def set_deadline(url: str, closes: datetime) -> None:
    from sqlalchemy import update

    from portal.calls.models import Call
    from portal.core.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        calls = Call.__table__
        conn.execute(update(calls).where(calls.c.id == 1).values(closes_dt=closes))
    engine.dispose()


def stored(url: str) -> dict:
    """Application id → (status, progress answer)."""
    from sqlalchemy import select

    from portal.applications.models import Application
    from portal.core.db import make_engine

    engine = make_engine(url)
    t = Application.__table__
    with engine.connect() as conn:
        found = {r.id: (r.status, (r.answers or {}).get(PROGRESS)) for r in
                 conn.execute(select(t.c.id, t.c.status, t.c.answers))}  # fmt: skip
    engine.dispose()
    return found


# Server --------------------------------------------------------------------------------------
def free_port(after: int = 0) -> int:
    for port in PORTS:
        with socket.socket() as s:
            if port > after and s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("ports 8200-8209 are all in use")


def server_env(url: str, args, port: int, storage: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": args.secret_key,
        "DATABASE_URL": url,
        "MFA_REQUIRED_ROLES": "",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "STORAGE_LOCAL_ROOT": storage,
        "REDIS_URL": redis_url,
        # Plain HTTP on the loopback: the client must get its session cookie back.
        "SESSION_COOKIE_SECURE": "0",
        "REMEMBER_COOKIE_SECURE": "0",
        # The only limit this load trips: every sign-in comes from 127.0.0.1.
        "LOGIN_LIMIT_PER_IP": f"{args.applicants * 2} per minute; {args.applicants * 4} per hour",
    }


def start_jobs(env: dict, port: int) -> list[subprocess.Popen]:
    """A private Redis (no persistence) and one RQ worker, as the README's deployment."""
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return [worker, redis]


def start_server(env: dict, args, port: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(args.workers),
               "--worker-class", args.worker_class, "--bind", f"127.0.0.1:{port}",
               "--timeout", "60", "--log-level", "warning", "--chdir", str(ROOT)]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen([*command, "wsgi:app"], env=env, cwd=ROOT)
    import requests

    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


# Client --------------------------------------------------------------------------------------
class FormFields(HTMLParser):
    """The successful controls of the first ``<form>`` whose action ends with ``action``
    (``""``: the first form posting to its own page)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields, self._textarea = action, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = a.get("action") or ""
            matches = target.endswith(self.action) if self.action else not target
            self.inside = matches and not self.fields
        elif self.inside and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:  # the HTML parser keeps the newline that follows <textarea>
                self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


@dataclass
class Applicant:
    id: int
    base: str
    session: object = None
    form: dict = field(default_factory=dict)
    acknowledged: str = "0"  # the last progress value the server acknowledged
    counter: int = 0
    submit_at: float | None = None  # seconds on the load clock
    late: bool = False
    submitted: bool = False
    sent_before_deadline: bool | None = None


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    saves: list = field(default_factory=list)  # seconds of acknowledged saves
    submits: list = field(default_factory=list)
    saves_sent: int = 0
    saves_acked: int = 0
    requests: int = 0
    accepted: int = 0
    refused_late: int = 0
    errors: list = field(default_factory=list)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def login(applicant: Applicant) -> None:
    import requests

    s = requests.Session()
    # One connection per request, as gunicorn's sync workers answer: a kept-alive connection
    # closed by the server at the wrong moment fails a POST here (a browser retries it).
    s.headers["Connection"] = "close"
    page = s.get(f"{applicant.base}/login", timeout=TIMEOUT)
    token = form_fields(page.text, "")["csrf_token"]
    data = {"csrf_token": token, "email": f"solicitante{applicant.id}@surge.example",
            "password": PASSWORD, "next": ""}  # fmt: skip
    answer = s.post(f"{applicant.base}/login", data=data, allow_redirects=False, timeout=TIMEOUT)
    if answer.status_code != 302:
        raise RuntimeError(f"login of {applicant.id}: {answer.status_code}")
    page = s.get(f"{applicant.base}/applications/{applicant.id}/edit", timeout=TIMEOUT)
    applicant.session = s
    applicant.form = form_fields(page.text, f"/applications/{applicant.id}/edit")
    if "version_id" not in applicant.form or f"q_{PROGRESS}" not in applicant.form:
        raise RuntimeError(f"edit page of {applicant.id}: {page.status_code}, no form")


def autosave(applicant: Applicant, tally: Tally) -> None:
    applicant.counter += 1
    value = str(applicant.counter)
    data = {**applicant.form, f"q_{PROGRESS}": value}
    headers = {"X-Autosave": "1", "Accept": "application/json"}
    url = f"{applicant.base}/applications/{applicant.id}/edit"
    with tally.lock:
        tally.saves_sent += 1
    started = time.perf_counter()
    try:
        answer = applicant.session.post(url, data=data, headers=headers, timeout=TIMEOUT)
    except Exception as failed:  # a timeout or a dropped connection: the save may be lost
        tally.error(f"save {applicant.id}: {type(failed).__name__}")
        return
    seconds = time.perf_counter() - started
    with tally.lock:
        tally.requests += 1
    payload = answer.json() if answer.headers.get("Content-Type", "").startswith("app") else {}
    if answer.status_code == 200 and payload.get("ok"):
        applicant.form["version_id"] = str(payload["version_id"])
        applicant.acknowledged = value
        with tally.lock:
            tally.saves_acked += 1
            tally.saves.append(seconds)
    else:
        tally.error(f"save {applicant.id}: {answer.status_code} {payload.get('message', '')}")


def submit(applicant: Applicant, tally: Tally, deadline: float) -> None:
    url = f"{applicant.base}/applications/{applicant.id}/submit"
    try:
        page = applicant.session.get(url, timeout=TIMEOUT)
        with tally.lock:
            tally.requests += 1
        token = form_fields(page.text, f"/applications/{applicant.id}/submit")["csrf_token"]
        started = time.perf_counter()
        applicant.sent_before_deadline = time.time() < deadline
        answer = applicant.session.post(
            url, data={"csrf_token": token, "confirm": "y"}, allow_redirects=False, timeout=TIMEOUT
        )
    except Exception as failed:
        tally.error(f"submit {applicant.id}: {type(failed).__name__}")
        return
    seconds = time.perf_counter() - started
    refused = answer.status_code == 422 and "fecha límite de la convocatoria ya pasó" in answer.text
    with tally.lock:
        tally.requests += 1
        tally.submits.append(seconds)
        if answer.status_code == 302:
            applicant.submitted = True
            tally.accepted += 1
        elif refused and not applicant.sent_before_deadline:
            tally.refused_late += 1
    if answer.status_code != 302 and not (refused and not applicant.sent_before_deadline):
        early = deadline - (time.time() - seconds)
        tally.error(f"submit {applicant.id}: {answer.status_code}, sent {early:.2f} s before")


def run_applicant(applicant: Applicant, tally: Tally, start: float, args, deadline: float):
    """Autosave every interval (jittered) until this applicant submits or the deadline."""
    rng = random.Random(applicant.id)
    next_save = start + rng.uniform(0, args.interval)
    stop = start + (applicant.submit_at if applicant.submit_at is not None else 10**9)
    stop = min(stop, deadline)
    while True:
        now = time.time()
        if next_save >= stop:
            break
        if next_save > now:
            time.sleep(next_save - now)
        autosave(applicant, tally)
        next_save += args.interval * rng.uniform(0.8, 1.2)
    if applicant.submit_at is not None:
        time.sleep(max(0.0, start + applicant.submit_at - time.time()))
        submit(applicant, tally, deadline)


def plan(applicants: list[Applicant], args, seconds: float) -> None:
    """Pick the submitters (random moments of the last two minutes) and the late tries."""
    rng = random.Random(18)
    chosen = rng.sample(applicants, min(args.submitters + LATE_TRIES, len(applicants)))
    window = min(120.0, seconds)
    for applicant in chosen[: args.submitters]:
        applicant.submit_at = seconds - rng.uniform(0.05, window)
    for i, applicant in enumerate(chosen[args.submitters :]):
        applicant.submit_at, applicant.late = seconds + 1.0 + i * 0.5, True


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# Run -----------------------------------------------------------------------------------------
def parse(argv: list[str]):
    p = argparse.ArgumentParser(prog="python -m bench surge", description=__doc__.split("\n")[0])
    p.add_argument("--database", default="postgresql", help="postgresql, sqlite or a URL")
    p.add_argument("--applicants", type=int, default=300)
    p.add_argument("--submitters", type=int, default=100)
    p.add_argument("--minutes", type=float, default=3.0, help="from the start to the deadline")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between autosaves")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    p.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    p.add_argument(
        "--jobs",
        choices=("rq", "inline"),
        default="rq",
        help="rq: a private redis-server and an RQ worker (the README's deployment); inline: "
        "no REDIS_URL, the acknowledgement PDF is made in the submission's request",
    )
    args = p.parse_args(argv)
    args.secret_key = secrets.token_hex(32)
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    # A TERM (timeout, Ctrl+C in a wrapper) still stops gunicorn, the worker and Redis.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url, drop = scratch_database(args.database)
    storage = tempfile.mkdtemp(prefix="bench-surge-storage-")
    processes = []
    try:
        started = time.perf_counter()
        migrate(url)
        ids = seed(url, args.applicants)["applicants"]
        print(f"seeded {len(ids)} applicants in {time.perf_counter() - started:.1f} s ({url})")
        port = free_port()
        jobs_port = free_port(port) if args.jobs == "rq" else None
        redis_url = f"redis://127.0.0.1:{jobs_port}/0" if jobs_port else ""
        env = server_env(url, args, port, storage, redis_url)
        if jobs_port:
            processes += start_jobs(env, jobs_port)
        processes.insert(0, start_server(env, args, port))
        base = f"http://127.0.0.1:{port}"
        applicants = [Applicant(i, base) for i in ids]
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(login, applicants))
        print(f"{len(ids)} logins (real form, argon2id) in {time.perf_counter() - started:.1f} s")
        baseline = calibrate(applicants[0])
        return load(url, applicants, args, baseline)
    finally:
        for process in processes:  # gunicorn first, then the RQ worker, then Redis
            process.terminate()
            process.wait(30)
        drop()
        shutil.rmtree(storage, True)


def calibrate(applicant: Applicant, runs: int = 20) -> dict:
    """Medians of sequential requests before the load (the same run's baseline): a static
    file served by the portal, and one autosave alone."""
    tally, static = Tally(), []
    url = f"{applicant.base}/static/js/autosave.js"
    for _ in range(runs):
        started = time.perf_counter()
        applicant.session.get(url, timeout=TIMEOUT)
        static.append(time.perf_counter() - started)
        autosave(applicant, tally)
    if tally.errors:
        raise SystemExit(f"baseline autosaves failed: {tally.errors[:3]}")
    baseline = {"static": statistics.median(static), "save": statistics.median(tally.saves)}
    print(
        f"baseline (sequential, before the load): static file {baseline['static'] * 1000:.1f} ms,"
        f" one autosave {baseline['save'] * 1000:.1f} ms; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    return baseline


def load(url: str, applicants: list[Applicant], args, baseline: dict) -> int:
    seconds = args.minutes * 60
    plan(applicants, args, seconds)
    start = time.time() + 1.0
    deadline = start + seconds
    set_deadline(url, datetime.fromtimestamp(deadline, UTC))
    tally = Tally()
    threads = [
        threading.Thread(target=run_applicant, args=(a, tally, start, args, deadline), daemon=True)
        for a in applicants
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    return report(url, applicants, tally, args, elapsed, baseline)


def report(url: str, applicants, tally: Tally, args, elapsed: float, baseline: dict) -> int:
    found = stored(url)
    # Lost: the database holds an older value than the last acknowledged save. A save that
    # timed out on the client may still have landed (newer than acknowledged): not lost.
    lost = [a.id for a in applicants if int(found[a.id][1]) < int(a.acknowledged)]
    landed = sum(int(found[a.id][1]) > int(a.acknowledged) for a in applicants)
    before = [a for a in applicants if a.submit_at is not None and a.sent_before_deadline]
    after = [a for a in applicants if a.submit_at is not None and a.sent_before_deadline is False]
    missing = [a.id for a in before if found[a.id][0] != "submitted"]
    accepted_late = [a.id for a in after if found[a.id][0] != "draft"]
    p95_save, p95_submit = percentile(tally.saves, 95), percentile(tally.submits, 95)
    print(
        f"\nsurge: {args.applicants} applicants, {args.submitters} submitters, "
        f"{args.minutes:g} min, autosave every {args.interval:g} s, gunicorn "
        f"{args.workers} × {args.worker_class}, {url.split(':')[0]}, jobs {args.jobs}"
    )
    print(
        f"saves        sent {tally.saves_sent}  acknowledged {tally.saves_acked}  lost {len(lost)}"
        f"  (landed without an answer: {landed})"
    )
    print(
        f"submissions  before the deadline {len(before)}  accepted {tally.accepted}  "
        f"not submitted {len(missing)}  after the deadline {len(after)}  "
        f"refused cleanly {tally.refused_late}  accepted late {len(accepted_late)}"
    )
    examples = f"  e.g. {tally.errors[:5]}" if tally.errors else ""
    print(f"errors       {len(tally.errors)}{examples}")
    for name, samples in (("saves", tally.saves), ("submissions", tally.submits)):
        p50, p95, p99 = (percentile(samples, p) * 1000 for p in (50, 95, 99))
        print(
            f"{name:<12} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  p99 {p99:6.0f} ms  "
            f"max {max(samples or [0]) * 1000:6.0f} ms  (n={len(samples)}; p95 = "
            f"{p95 / 1000 / baseline['save']:.1f}× one autosave alone)"
        )
    print(
        f"throughput   {tally.requests / elapsed:.1f} req/s over {elapsed:.0f} s; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    missed = [
        name
        for name, bad in (
            ("lost saves", lost),
            ("errors", tally.errors),
            ("submissions not accepted", missing),
            ("accepted after the deadline", accepted_late),
            ("p95 of saves ≥ 1 s", p95_save >= P95_LIMIT),
            ("p95 of submissions ≥ 1 s", p95_submit >= P95_LIMIT),
        )
        if bad
    ]
    print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
