"""Logging in and out: generic failures, audit entries, rehashing, safe redirects."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tests.accounts.helpers import (
    audit,
    english,
    normalised_body,
    reload,
    unique_email,
)
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form

INVALID = "Invalid e-mail or password."


def log_in(client, email, password=DEFAULT_PASSWORD, url="/login"):
    return post_form(client, url, {"email": email, "password": password}, form_url="/login")


@pytest.fixture
def user(make_user):
    return make_user(unique_email("ana"), locale="en")


def test_login_starts_a_session_and_is_audited(client, user):
    english(client)
    response = log_in(client, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/account").status_code == 200

    fresh = reload(user)
    assert fresh.last_login_dt is not None
    [entry] = audit("user.login", user.id)
    assert entry.user_id == user.id
    assert entry.ip == "127.0.0.1"
    assert "password" not in str(entry.changes)


def test_login_gives_a_new_session(client, user):
    """No session fixation: what was in the anonymous session does not survive the login."""
    english(client)
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    log_in(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["lang"] == "en"  # the visitor's language choice is kept
        assert sess.permanent


@pytest.mark.parametrize("case", ["unknown", "wrong_password", "inactive", "no_password"])
def test_every_failure_gets_the_same_answer(client, make_user, case):
    english(client)
    known = make_user(unique_email("known"), locale="en")
    baseline = log_in(client, known.email, "not the right password")

    email, password = {
        "unknown": (unique_email("ghost"), DEFAULT_PASSWORD),
        "wrong_password": (known.email, "also not the password"),
        "inactive": (make_user(unique_email("off"), active=False).email, DEFAULT_PASSWORD),
        "no_password": (make_user(unique_email("invited"), password=None).email, ""),
    }[case]
    response = log_in(client, email, password or "whatever password")

    assert response.status_code == baseline.status_code == 200
    assert INVALID in response.get_data(as_text=True)
    assert normalised_body(response, email) == normalised_body(baseline, known.email)
    assert client.get("/account").status_code == 302  # still logged out


def test_failed_logins_are_audited_without_secrets(client, user):
    english(client)
    ghost = unique_email("ghost")
    before = len(audit("user.login_failed"))
    log_in(client, user.email, "my secret guess 123")
    log_in(client, ghost, "another secret guess")

    entries = audit("user.login_failed")[before:]
    assert [(e.object_type, e.object_id, e.user_id) for e in entries] == [
        ("user", str(user.id), None),
        ("user", None, None),
    ]
    assert [e.changes["reason"] for e in entries] == ["wrong_password", "unknown_account"]
    for entry in entries:
        assert "guess" not in str(entry.changes)
        assert ghost not in str(entry.changes)


def test_unverified_user_is_told_to_verify_and_gets_a_new_link(client, make_user, outbox):
    english(client)
    pending = make_user(unique_email("pending"), verified=False, locale="en")
    response = log_in(client, pending.email)
    assert response.status_code == 200
    assert "Please confirm your e-mail address first" in response.get_data(as_text=True)
    assert [m.template for m in outbox(pending.email)] == ["verify_email"]
    assert client.get("/account").status_code == 302


def test_unverified_user_with_wrong_password_gets_the_generic_answer(client, make_user, outbox):
    english(client)
    pending = make_user(unique_email("pending"), verified=False, locale="en")
    response = log_in(client, pending.email, "not the password at all")
    assert INVALID in response.get_data(as_text=True)
    assert outbox(pending.email) == []


def test_login_rehashes_when_parameters_change(client, make_user):
    english(client)
    account = make_user(unique_email("old"), locale="en")
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(DEFAULT_PASSWORD)
    from portal.core.db import db

    stored = reload(account)
    stored.password_hash = weak
    db.session.commit()

    assert log_in(client, account.email).status_code == 302
    fresh = reload(account)
    assert fresh.password_hash != weak
    assert "m=1024" in fresh.password_hash  # the testing configuration's parameters
    assert len(audit("user.password_rehashed", account.id)) == 1


def test_safe_next_is_followed(client, user):
    english(client)
    response = log_in(client, user.email, url="/login?next=/account")
    assert response.headers["Location"].endswith("/account")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_foreign_next_goes_to_the_dashboard(client, user, target):
    english(client)
    client.get("/login", query_string={"next": target})
    response = post_form(
        client,
        "/login?" + __import__("urllib.parse").parse.urlencode({"next": target}),
        {"email": user.email, "password": DEFAULT_PASSWORD},
        form_url="/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/dashboard", "http://localhost/dashboard")


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_logged_in_user_visiting_login_goes_to_dashboard(client, user):
    english(client)
    log_in(client, user.email)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_logout_needs_post_with_csrf_and_ends_the_session(client, user):
    english(client)
    log_in(client, user.email)
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout")
    assert refused.status_code == 400
    assert "Form expired" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 200

    response = post_form(client, "/logout", {}, form_url="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert len(audit("user.logout", user.id)) == 1


def test_missing_csrf_on_login_changes_nothing(client, user):
    english(client)
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert reload(user).last_login_dt is None
    assert client.get("/account").status_code == 302
