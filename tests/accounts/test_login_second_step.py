"""Signing in with a second factor: the password first, then a code on /login/verify."""

from __future__ import annotations

import time

import pytest

from portal.accounts import pending_login
from tests.accounts.factor_helpers import (
    code,
    give_totp,
    password_step,
    second_step,
    sign_in_with_code,
    totp_row,
)
from tests.accounts.helpers import audit, english, unique_email
from tests.support.matrix import LOGGED_IN

WRONG = "That code is not valid."


@pytest.fixture
def user(make_user):
    return make_user(unique_email("tere"), locale="en")


@pytest.fixture
def secret(app, user):
    return give_totp(app, user)[0]


def test_the_password_alone_does_not_sign_in(client, user, secret):
    english(client)
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login/verify")
    assert client.get("/account").status_code == 302  # not signed in yet
    page = client.get("/login/verify").get_data(as_text=True)
    assert "Authentication code" in page
    assert "recovery codes" in page
    assert audit("user.login", user.id) == []


def test_a_code_completes_the_sign_in_and_goes_to_next(client, user, secret):
    english(client)
    first = password_step(client, user.email, next_url="/account/security")
    assert first.headers["Location"].endswith("/login/verify")
    response = second_step(client, code(secret))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/security")
    assert client.get("/account").status_code == 200
    [entry] = audit("user.login", user.id)
    assert entry.changes == {"method": "password", "factor": "totp"}
    assert totp_row(user.id).last_used_dt is not None


def test_a_code_is_not_accepted_twice(client, user, secret):
    english(client)
    value = code(secret)
    assert sign_in_with_code(client, user.email, value).status_code == 302
    client.post("/logout", data={"csrf_token": _csrf(client)})
    again = sign_in_with_code(client, user.email, value)
    assert again.status_code == 200
    assert WRONG in again.get_data(as_text=True)
    # The next time step's code still works.
    assert second_step(client, code(secret, 1)).status_code == 302


def _csrf(client):
    return _csrf_of(client, "/account")


def _csrf_of(client, url):
    from tests.support.forms import csrf_token

    return csrf_token(client, url)


@pytest.mark.parametrize("value", ["000000", "12345", "ZZZZZ-ZZZZZ", "not a code", "9" * 41])
def test_wrong_codes_are_counted_and_audited(client, user, secret, value):
    english(client)
    password_step(client, user.email)
    response = second_step(client, value)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert WRONG in body or "That is too long to be a code." in body
    assert client.get("/account").status_code == 302
    if len(value) <= 40:
        assert len(audit("user.login_second_factor_failed", user.id)) == 1


def test_too_many_wrong_codes_send_back_to_the_password(client, user, secret):
    english(client)
    password_step(client, user.email)
    for _ in range(pending_login.MAX_TRIES - 1):
        assert second_step(client, "000000").status_code == 200
    last = second_step(client, "000000")
    assert last.status_code == 302 and last.headers["Location"].endswith("/login")
    assert "Too many wrong codes" in client.get("/login").get_data(as_text=True)
    # The pending state is gone: even a right code needs the password first.
    gone = client.get("/login/verify")
    assert gone.headers["Location"].endswith("/login")
    assert len(audit("user.login_second_factor_failed", user.id)) == pending_login.MAX_TRIES


def test_the_second_step_expires(client, user, secret):
    english(client)
    password_step(client, user.email)
    token = _csrf_of(client, "/login/verify")
    with client.session_transaction() as sess:
        data = dict(sess[pending_login.KEY])
        data["at"] = time.time() - pending_login.PENDING_SECONDS - 1
        sess[pending_login.KEY] = data
    response = client.post("/login/verify", data={"code": code(secret), "csrf_token": token})
    assert response.headers["Location"].endswith("/login")
    assert client.get("/account").status_code == 302


def test_without_a_pending_sign_in_the_page_sends_to_login(client):
    english(client)
    response = client.get("/login/verify")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_users_without_a_factor_sign_in_with_the_password(client, user):
    english(client)
    response = password_step(client, user.email)
    assert response.headers["Location"].endswith("/dashboard")
    [entry] = audit("user.login", user.id)
    assert not entry.changes


def test_wrong_passwords_answer_the_same_with_or_without_a_factor(client, user, secret, make_user):
    from tests.accounts.helpers import normalised_body

    plain = make_user(unique_email("plain"), locale="en")
    english(client)
    with_factor = password_step(client, user.email, "wrong password!")
    without = password_step(client, plain.email, "wrong password!")
    assert normalised_body(with_factor, user.email) == normalised_body(without, plain.email)


def test_second_step_in_spanish(client, user, secret):
    password_step(client, user.email)
    page = client.get("/login/verify?lang=es")
    assert page.status_code == 200
    assert 'lang="es"' in page.get_data(as_text=True)


def test_access_matrix(matrix):
    # No pending sign-in: visitors are sent to /login, signed-in users to their dashboard.
    matrix.check("/login/verify", allowed=LOGGED_IN)
    matrix.check("/login/verify", allowed=LOGGED_IN, method="POST", data={"code": "123456"})


def test_the_second_step_is_rate_limited(database_url, connection, restore_limiter, make_user):
    from portal import create_app

    app = create_app(
        "testing",
        {
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_LIMIT_PER_IP": "1000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "3 per minute",
            "MAIL_SERVER": "",
            "REDIS_URL": "",
        },
    )
    restore_limiter.reset()
    person = make_user(unique_email("limited"), locale="en")
    give_totp(app, person)
    client = app.test_client()
    client.get("/?lang=en")
    password_step(client, person.email)
    statuses = [second_step(client, "000000").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
