"""Browser walk-throughs: a live portal on a free local port, driven by Playwright + Chromium.

The live app always runs on its own SQLite file (never ``TEST_DATABASE_URL``), built by the
real migrations and loaded with the demo data, so the walk-throughs log in with the accounts
listed in the README. The browser is Debian's ``chromium`` package; nothing is downloaded.

Fixtures: ``live_server`` (session: ``.url``, ``.app``, ``.errors``), ``browser`` (session),
``page`` (a fresh context per test, Mexican Spanish locale, ``base_url`` set so
``page.goto("/")`` works) and ``shot`` (``shot(page, "name")`` saves
``test-artifacts/screenshots/<test>/<nn>-<name>.png``; a failing test also gets a final shot).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from config import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list[str] = field(default_factory=list)  # server-side errors logged by the app


class _ErrorCollector(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


def _build_app(tmp: Path) -> Flask:
    from portal import create_app
    from portal.core.assets import build

    # The pages as in production: fingerprinted static names, gzip, the immutable cache.
    build(ROOT / "static", tmp / "static")
    return create_app(
        "testing",
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
            "STATIC_BUILD_DIR": str(tmp / "static"),
            "SERVER_NAME": None,
            "STORAGE_LOCAL_ROOT": str(tmp / "storage"),
            # Limits on, as in production, but high: the walk-throughs sign in often from one
            # address. The account-security walk-through lowers the one it checks.
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_LIMIT_PER_IP": "10000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "10000 per minute",
            "EMAIL_FORM_LIMIT_PER_ADDRESS": "10000 per minute",
            "LOGIN_SLOWDOWN_AFTER": 10000,
            "MAIL_SERVER": "",
            "REDIS_URL": "",
            # Render the real 500 page instead of re-raising into the server thread.
            "PROPAGATE_EXCEPTIONS": False,
        },
    )


def _prepare_database(app: Flask) -> None:
    """Migrate the empty file to head and load the demo data, as `make run` does."""
    from portal.core.db import db
    from portal.core.migrate import upgrade
    from portal.demo.seed import seed_all

    with app.app_context():
        upgrade(app.config["DATABASE_URL"])
        seed_all()
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = _build_app(tmp_path_factory.mktemp("live"))
    _prepare_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    live = LiveServer(app=app, url=url)
    collector = _ErrorCollector(live.errors)
    app.logger.addHandler(collector)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.logger.removeHandler(collector)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (no browser is downloaded)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _test_dir(node) -> Path:
    name = f"{Path(node.fspath).stem}--{node.name}"
    return SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


@pytest.fixture
def shot(request):
    """``shot(page, "name")`` saves the next numbered screenshot of this test."""
    folder = _test_dir(request.node)
    shutil.rmtree(folder, ignore_errors=True)
    count = 0

    def take(page, name: str) -> Path:
        nonlocal count
        count += 1
        path = folder / f"{count:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def page(request, browser, live_server, shot):
    """A fresh browser context per test, in Mexican Spanish, failing on CSP violations."""
    context = browser.new_context(
        locale="es-MX",
        timezone_id="America/Mexico_City",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    errors_before = len(live_server.errors)
    try:
        yield page
    finally:
        failed = getattr(getattr(request.node, "report_call", None), "failed", False)
        if failed:
            shot(page, "failure")
        context.close()
    new_errors = live_server.errors[errors_before:]
    assert not new_errors, "the server logged errors:\n" + "\n".join(new_errors)
    assert not problems, "browser problems:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def es(live_server):
    """``es("Log in")``: the Spanish catalogue's text for a source string (itself if missing).

    Walk-throughs find Spanish labels through the catalogue, so they keep working whatever
    wording the translators choose.
    """
    from flask_babel import gettext

    def translate(msgid: str, **params) -> str:
        with live_server.app.test_request_context("/?lang=es"):
            return gettext(msgid, **params)

    return translate


@pytest.fixture
def mail_to(live_server):
    """``mail_to(address)``: the (subject, body) of every e-mail written to the outbox for it."""
    from sqlalchemy import select

    from portal.core.db import db
    from portal.mail.models import OutboxMessage

    def messages(address: str) -> list[tuple[str, str]]:
        with live_server.app.app_context():
            rows = db.session.scalars(
                select(OutboxMessage)
                .filter_by(recipient=address.lower())
                .order_by(OutboxMessage.id)
            ).all()
            found = [(m.subject, m.body_text) for m in rows]
            db.session.remove()
        return found

    return messages


def log_in(page, email: str, *, spanish: bool = True) -> None:
    """Log in as a demo account, dropping the previous session first.

    Flask refreshes a permanent session's cookie on every response, static files included: a
    response to a request sent before the switch can set the older cookie again. So wait for the
    network to be idle before clearing cookies, and after choosing Spanish (walk-throughs read
    Spanish whatever the account's own language is) check that the choice stuck.
    """
    from playwright.sync_api import expect

    from portal.demo.data import DEMO_PASSWORD

    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    if spanish:
        page.wait_for_load_state("networkidle")
        page.goto("/dashboard?lang=es")
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("lang", "es")


def add_closed_call(code: str, *, title_es: str, title_en: str, budget: str, max_award: str):
    """A call of the demo programme that closed two days ago, with one required question, for
    walk-throughs that start at screening or review (committed; needs a request context)."""
    from datetime import timedelta
    from decimal import Decimal

    from sqlalchemy import select

    from portal.calls.form_models import FormQuestion
    from portal.calls.models import Call, Programme
    from portal.core.db import db, now_utc

    now = now_utc()
    call = Call(
        programme_id=db.session.scalars(select(Programme)).first().id,
        code=code,
        status="closed",
        title_es=title_es,
        title_en=title_en,
        currency="MXN",
        opens_dt=now - timedelta(days=40),
        closes_dt=now - timedelta(days=2),
        budget=Decimal(budget),
        min_award=Decimal("100000"),
        max_award=Decimal(max_award),
        cofinance_min_pct=Decimal("20"),
        offers_fixed_amount=True,
        applicant_kinds=["cso"],
        published_dt=now - timedelta(days=40),
        closed_dt=now - timedelta(days=2),
    )
    call.questions.append(
        FormQuestion(
            key="summary",
            kind="long_text",
            label_es="Resumen",
            label_en="Summary",
            required=True,
            max_chars=2000,
        )
    )
    db.session.add(call)
    db.session.commit()
    return call
