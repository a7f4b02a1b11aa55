"""Login rate limits (per IP and per account). The shared test app has them off, so these
tests build their own app with RATELIMIT_ENABLED on."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.accounts.helpers import normalised_body, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import csrf_token


@pytest.fixture
def limited_app(database_url, connection, restore_limiter):
    def _build(per_ip="1000 per minute", per_account="1000 per minute"):
        app = create_app(
            "testing",
            {
                "DATABASE_URL": database_url,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "LOGIN_LIMIT_PER_IP": per_ip,
                "LOGIN_LIMIT_PER_ACCOUNT": per_account,
                "MAIL_SERVER": "",
                "REDIS_URL": "",
            },
        )
        restore_limiter.reset()
        return app

    return _build


WRONG = "wrong password, surely"


def attempt(client, email, password=WRONG, ip="10.0.0.1"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_per_account_limit_answers_the_same_for_known_and_unknown(limited_app, make_user):
    app = limited_app(per_account="3 per minute")
    known = make_user(unique_email("target"), locale="en")
    ghost = unique_email("ghost")
    client = app.test_client()
    client.get("/?lang=en")

    for _ in range(3):
        assert attempt(client, known.email).status_code == 200
        assert attempt(client, ghost).status_code == 200

    blocked_known = attempt(client, known.email.upper(), DEFAULT_PASSWORD)  # even the right one
    blocked_ghost = attempt(client, ghost)
    assert blocked_known.status_code == blocked_ghost.status_code == 429
    assert "Too many attempts" in blocked_known.get_data(as_text=True)
    assert normalised_body(blocked_known) == normalised_body(blocked_ghost)

    # Another account from the same address is not affected: the limit is per account.
    other = make_user(unique_email("other"), locale="en")
    assert attempt(client, other.email, DEFAULT_PASSWORD).status_code == 302


def test_per_account_limit_applies_across_ip_addresses(limited_app, make_user):
    app = limited_app(per_account="2 per minute")
    known = make_user(unique_email("target"))
    client = app.test_client()
    assert attempt(client, known.email, ip="10.0.0.1").status_code == 200
    assert attempt(client, known.email, ip="10.0.0.2").status_code == 200
    assert attempt(client, known.email, ip="10.0.0.3").status_code == 429


def test_per_ip_limit(limited_app):
    app = limited_app(per_ip="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert attempt(client, unique_email("spray"), ip="10.9.9.9").status_code == 200
    assert attempt(client, unique_email("spray"), ip="10.9.9.9").status_code == 429
    assert attempt(client, unique_email("spray"), ip="10.9.9.10").status_code == 200


def test_get_is_never_limited(limited_app):
    app = limited_app(per_ip="1 per minute", per_account="1 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200


def test_shared_test_app_stays_unlimited_after_a_limited_app_existed(
    limited_app, client, make_user
):
    limited_app(per_ip="1 per minute", per_account="1 per minute")
    known = make_user(unique_email("free"))
    for _ in range(3):
        assert attempt(client, known.email).status_code == 200
