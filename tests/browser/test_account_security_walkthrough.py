"""Walk-through of account security (issue 17) in the browser.

- A grants manager whose role requires a second factor is taken to set up an authenticator app
  at sign-in and can open nothing else until done; the codes are computed with pyotp from the
  key the page shows. They sign in again with a code, then with a recovery code, whose second
  use is refused. Creating an API token, with a proof older than the step-up limit, asks for
  the code again.
- A cookie copied before logging out is refused after it; ending a session from "Your
  sessions" in one browser signs the other browser out.
- An attacker guessing the password from another address is slowed down while the real user,
  from their own address, signs in at once.

Each test uses users of its own: the demo accounts are shared with the other walk-throughs.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "una clave larga para la seguridad"


def _make_user(live_server, prefix: str, roles: tuple[str, ...]) -> str:
    from portal.core.db import db
    from tests.support.factories import make_user

    email = f"{prefix}.{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        make_user(email, password=PASSWORD, name="Rosa Méndez Ibarra", roles=roles, locale="es")
        db.session.remove()
    return email


@contextmanager
def _settings(live_server, **values):
    """Change the live portal's settings for one walk-through, and put them back."""
    config = live_server.app.config
    before = {key: config.get(key) for key in values}
    config.update(values)
    try:
        yield
    finally:
        config.update(before)


def _age_the_proof(live_server, email: str, seconds: int = 3600) -> None:
    """Make the user's last proof of identity older, as if time had passed."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.accounts.session_models import UserSession
    from portal.core.db import db, now_utc

    with live_server.app.app_context():
        user = db.session.scalar(select(User).filter_by(email=email))
        for row in db.session.scalars(select(UserSession).filter_by(user_id=user.id)):
            if row.factor_dt is not None:
                row.factor_dt = now_utc() - timedelta(seconds=seconds)
        db.session.commit()
        db.session.remove()


def _password_step(page, es, email: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/login?lang=es")
    page.get_by_label(es("E-mail address")).fill(email)
    page.get_by_label(es("Password")).fill(password)
    page.get_by_role("button", name=es("Log in"), exact=True).click()


def _log_out(page, es) -> None:
    nav = page.get_by_role("navigation").first
    nav.locator("a.dropdown-toggle[href='/account']").click()  # the account menu
    nav.get_by_role("button", name=es("Log out")).click()
    expect(page.get_by_text(es("You have logged out."))).to_be_visible()


def _next_code(totp: pyotp.TOTP) -> str:
    """A code for a time step later than any used so far (a code is accepted only once): the
    next step's code, which the portal accepts (one step of clock drift either way)."""
    return totp.at(time.time() + totp.interval)


def test_manager_enrols_then_uses_codes_and_recovery_codes(live_server, page, es, shot):
    with _settings(live_server, MFA_REQUIRED_ROLES="grants_manager", STEP_UP_MAX_AGE=300):
        email = _make_user(live_server, "gestora.mfa", ("grants_manager",))

        # Forced enrolment: after the password, the set-up page and nothing else.
        _password_step(page, es, email)
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Set up an authenticator app"))
        shot(page, "forced-enrolment")
        page.goto("/dashboard")
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Set up an authenticator app"))

        secret = page.locator("main code").first.inner_text().replace(" ", "")
        totp = pyotp.TOTP(secret)
        page.get_by_label(es("Code from the app")).fill(
            "000000" if totp.now() != "000000" else "111111"
        )
        page.get_by_role("button", name=es("Confirm"), exact=True).click()
        expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()

        page.get_by_label(es("Code from the app")).fill(totp.now())
        page.get_by_role("button", name=es("Confirm"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Your recovery codes"))
        codes = page.locator("main ul li").all_inner_texts()
        assert len(codes) == 10
        shot(page, "recovery-codes")
        page.get_by_role("link", name=es("I have saved them, continue")).click()
        expect(page).not_to_have_url(re.compile(r"/account/security/totp"))
        page.goto("/dashboard")
        expect(page).to_have_url(re.compile(r"/dashboard"))
        _log_out(page, es)

        # Signing in again: the password, then a code from the app.
        _password_step(page, es, email)
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Second step of the log-in"))
        page.get_by_label(es("Authentication code")).fill(_next_code(totp))
        page.get_by_role("button", name=es("Verify")).click()
        expect(page).to_have_url(re.compile(r"/dashboard"))
        _log_out(page, es)

        # A recovery code works once…
        _password_step(page, es, email)
        page.get_by_label(es("Authentication code")).fill(codes[0])
        page.get_by_role("button", name=es("Verify")).click()
        expect(page).to_have_url(re.compile(r"/dashboard"))
        _log_out(page, es)

        # …and is refused the second time.
        _password_step(page, es, email)
        page.get_by_label(es("Authentication code")).fill(codes[0])
        page.get_by_role("button", name=es("Verify")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Second step of the log-in"))
        shot(page, "recovery-code-used-twice")
        page.get_by_label(es("Authentication code")).fill(codes[1])
        page.get_by_role("button", name=es("Verify")).click()
        expect(page).to_have_url(re.compile(r"/dashboard"))

        # Step-up: with a proof an hour old, creating an API token asks for the code again.
        _age_the_proof(live_server, email)
        # A code is accepted once: wait for the app's next 30-second step.
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        page.goto("/account/tokens")
        page.get_by_label(es("Name")).fill("Tablero de la gestora")
        page.get_by_role("button", name=es("Create the token")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Confirm it is you"))
        shot(page, "step-up")
        page.get_by_label(es("Authentication code")).fill(_next_code(totp))
        page.get_by_role("button", name=es("Confirm"), exact=True).click()
        expect(page).to_have_url(re.compile(r"/account/tokens"))
        page.get_by_label(es("Name")).fill("Tablero de la gestora")
        page.get_by_role("button", name=es("Create the token")).click()
        expect(page.get_by_text("Tablero de la gestora").first).to_be_visible()


def test_copied_cookie_and_ended_sessions_stop_working(live_server, browser, page, es, shot):
    email = _make_user(live_server, "sesiones", ("applicant",))
    _password_step(page, es, email)
    expect(page).to_have_url(re.compile(r"/dashboard"))

    # A copy of the cookie taken before logging out is refused after it.
    copied = page.context.cookies()
    _log_out(page, es)
    thief = browser.new_context(base_url=live_server.url, locale="es-MX")
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto("/account")
    expect(stolen).to_have_url(re.compile(r"/login"))
    thief.close()

    # Two browsers of the same user: ending the other session from "Your sessions" signs that
    # browser out.
    _password_step(page, es, email)
    other = browser.new_context(base_url=live_server.url, locale="es-MX")
    laptop = other.new_page()
    _password_step(laptop, es, email)
    expect(laptop).to_have_url(re.compile(r"/dashboard"))

    page.goto("/account")
    page.get_by_role("link", name=es("Your sessions")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Your sessions"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    shot(page, "two-sessions")
    rows.filter(has_not_text=es("This device")).get_by_role(
        "button", name=es("End session")
    ).click()
    expect(page.locator("tbody tr")).to_have_count(1)

    laptop.goto("/account")
    expect(laptop).to_have_url(re.compile(r"/login"))
    other.close()


def _attacker_attempt(base: str, email: str) -> int:
    """One wrong password from another address of this machine (127.0.0.2): the answer's
    status."""
    jar = http.cookiejar.CookieJar()
    handler = _SourceAddressHandler(("127.0.0.2", 0))
    opener = urllib.request.build_opener(handler, urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"email": email, "password": "no es la clave", "csrf_token": token}
    ).encode()
    try:
        return opener.open(base + "/login", data=data).status
    except urllib.error.HTTPError as refused:
        return refused.code


class _SourceAddressHandler(urllib.request.HTTPHandler):
    def __init__(self, source_address):
        super().__init__()
        self.source_address = source_address

    def http_open(self, req):
        import http.client

        source = self.source_address

        class _Connection(http.client.HTTPConnection):
            def __init__(self, *args, **kwargs):
                kwargs["source_address"] = source
                super().__init__(*args, **kwargs)

        return self.do_open(_Connection, req)


@pytest.fixture
def rate_limits_on(live_server):
    """The live portal's limits are high (the walk-throughs sign in often from one address): use
    the production default for failed sign-ins per account and address in this test, with
    empty counters before and after."""
    from config import BaseConfig
    from portal.extensions import limiter

    limiter.reset()
    with _settings(
        live_server, LOGIN_LIMIT_PER_ACCOUNT_AND_IP=BaseConfig.LOGIN_LIMIT_PER_ACCOUNT_AND_IP
    ):
        yield
    limiter.reset()


def test_attacker_is_slowed_while_the_user_signs_in(live_server, page, es, shot, rate_limits_on):
    email = _make_user(live_server, "objetivo", ("applicant",))
    statuses = [_attacker_attempt(live_server.url, email) for _ in range(7)]
    assert statuses[0] == 200  # the form again, with its message
    assert statuses[-1] == 429, statuses  # then slowed down

    _password_step(page, es, email)
    expect(page).to_have_url(re.compile(r"/dashboard"))
    shot(page, "real-user-in")
