"""Recovery codes: ten, stored hashed, each usable once, regenerable, counted on the security
page, and their use e-mailed."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from portal.accounts import recovery_codes
from portal.accounts.factor_models import RecoveryCode
from portal.core.db import db, now_utc
from tests.accounts.factor_helpers import (
    codes_on,
    enrol,
    give_totp,
    sign_in_with_code,
    unused_codes,
)
from tests.accounts.helpers import audit, english, unique_email
from tests.support.forms import post_form
from tests.support.matrix import LOGGED_IN, login

REGENERATE = "/account/security/recovery-codes"


@pytest.fixture
def user(make_user):
    return make_user(unique_email("rosa"), locale="en")


def test_codes_have_the_documented_shape():
    codes = recovery_codes.generate()
    assert len(codes) == len(set(codes)) == 10
    for each in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}", each), each
        assert recovery_codes.looks_like_code(each)
        assert recovery_codes.looks_like_code(each.lower().replace("-", " "))
    assert not recovery_codes.looks_like_code("123456")
    assert not recovery_codes.looks_like_code("OOOOO-IIIII")  # look-alikes are not in codes
    assert recovery_codes.digest("abcde-fghjk") == recovery_codes.digest("ABCDEFGHJK")


def test_codes_are_stored_as_sha256_only(client, user, app):
    _, codes = give_totp(app, user)
    rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    stored = {row.code_hash for row in rows}
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in stored)


def test_a_recovery_code_signs_in_once(client, user, app, outbox):
    _, codes = give_totp(app, user)
    english(client)
    typed = codes[0].lower().replace("-", " ")  # case, spaces and dashes do not matter
    response = sign_in_with_code(client, user.email, typed)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert unused_codes(user.id) == 9
    [entry] = audit("recovery_code.used", user.id)
    assert entry.changes == {"remaining": 9}
    [login_entry] = audit("user.login", user.id)
    assert login_entry.changes == {"method": "password", "factor": "recovery_code"}
    [mail] = [m for m in outbox(user.email) if m.template == "recovery_code_used"]
    assert "9 recovery codes left" in mail.body_text
    assert codes[0] not in mail.body_text

    client.post("/logout", data={"csrf_token": _token(client)})
    again = sign_in_with_code(client, user.email, codes[0])
    assert again.status_code == 200
    assert "That code is not valid." in again.get_data(as_text=True)
    assert unused_codes(user.id) == 9
    assert client.get("/account").status_code == 302  # not signed in


def _token(client):
    from tests.support.forms import csrf_token

    return csrf_token(client, "/account")


def test_regenerating_replaces_every_code_and_shows_them_once(client, user, outbox):
    english(client)
    login(client, user.email)
    _, first, _ = enrol(client)
    response = post_form(client, REGENERATE, form_url="/account/security")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    fresh = codes_on(response.get_data(as_text=True))
    assert "New recovery codes are ready" in response.get_data(as_text=True)
    assert len(fresh) == 10 and not set(fresh) & set(first)
    assert unused_codes(user.id) == 10
    old = recovery_codes.digest(first[0])
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.code_hash == old)) is None
    assert len(audit("recovery_codes.generated", user.id)) == 2
    page = client.get("/account/security").get_data(as_text=True)
    for each in fresh:
        assert each not in page


def test_the_security_page_warns_when_few_codes_are_left(client, user, app):
    _, codes = give_totp(app, user)
    english(client)
    assert sign_in_with_code(client, user.email, codes[9]).status_code == 302
    db.session.execute(
        RecoveryCode.__table__.update()
        .where(RecoveryCode.user_id == user.id)
        .where(RecoveryCode.code_hash.in_([recovery_codes.digest(c) for c in codes[:6]]))
        .values(used_dt=now_utc())
    )
    db.session.commit()
    page = client.get("/account/security").get_data(as_text=True)
    assert "3 recovery codes left." in page
    assert "You are running out of recovery codes." in page


def test_regenerating_without_a_factor_is_refused(client, user):
    english(client)
    login(client, user.email)
    response = post_form(client, REGENERATE, form_url="/account/security", follow_redirects=True)
    assert "Set up an authenticator app or a passkey first." in response.get_data(as_text=True)
    assert unused_codes(user.id) == 0
    assert audit("recovery_codes.generated", user.id) == []


def test_access_matrix(matrix):
    # Nobody in the matrix has a factor: a message on the security page, nothing made.
    matrix.check(REGENERATE, allowed=LOGGED_IN, method="POST")
