"""Helpers for the second-factor tests: codes computed with pyotp, enrolment through the real
pages, or a factor given directly to a user."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from portal.accounts import recovery_codes, totp
from portal.accounts.factor_models import RecoveryCode, TotpFactor
from portal.core.db import db, now_utc
from tests.support.context import factory_context
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form

SETUP = "/account/security/authenticator"
_SECRET = re.compile(r'<code class="fs-5" translate="no">([A-Z2-7 ]+)</code>')
_CODES = re.compile(r'<li class="col mb-1">([A-Z0-9]{5}-[A-Z0-9]{5})</li>')


def code(secret: str, steps: int = 0) -> str:
    """The code of the time step ``steps`` away from now (−1, 0 and +1 are accepted)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name} field"
    return match.group(1)


def secret_on(page: str) -> str:
    match = _SECRET.search(page)
    assert match, "no secret on the set-up page"
    return match.group(1).replace(" ", "")


def codes_on(page: str) -> list[str]:
    return _CODES.findall(page)


def enrol(client, steps: int = 0):
    """Set up the authenticator app through the pages; returns (secret, recovery codes, page)."""
    page = client.get(SETUP).get_data(as_text=True)
    secret = secret_on(page)
    response = post_form(
        client,
        SETUP,
        {"code": code(secret, steps), "enrolment": hidden(page, "enrolment")},
        form_url=SETUP,
    )
    assert response.status_code == 200, response.status_code
    return secret, codes_on(response.get_data(as_text=True)), response


def give_totp(app, user, *, with_codes: bool = True):
    """A confirmed authenticator app (and ten recovery codes) for ``user``, written directly.
    Returns (secret, codes)."""
    secret = totp.new_secret()
    codes = recovery_codes.generate() if with_codes else []
    with factory_context(app):
        db.session.add(
            TotpFactor(
                user_id=user.id, secret_encrypted=totp.encrypt(secret), confirmed_dt=now_utc()
            )
        )
        db.session.add_all(
            RecoveryCode(user_id=user.id, code_hash=recovery_codes.digest(c)) for c in codes
        )
        db.session.commit()
    return secret, codes


def totp_row(user_id: int) -> TotpFactor | None:
    db.session.expire_all()
    return db.session.scalar(select(TotpFactor).where(TotpFactor.user_id == user_id))


def unused_codes(user_id: int) -> int:
    db.session.expire_all()
    rows = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_dt.is_(None))
    )
    return len(list(rows))


def password_step(client, email: str, password: str = DEFAULT_PASSWORD, next_url: str = ""):
    data = {"email": email, "password": password}
    url = "/login" + (f"?next={next_url}" if next_url else "")
    if next_url:
        data["next"] = next_url
    return post_form(client, url, data, form_url="/login")


def second_step(client, value: str):
    return post_form(client, "/login/verify", {"code": value}, form_url="/login/verify")


def sign_in_with_code(client, email: str, value: str):
    first = password_step(client, email)
    assert first.headers["Location"].endswith("/login/verify"), first.headers.get("Location")
    return second_step(client, value)
