"""Forgot / reset password (also invited staff's first password) and change password."""

from __future__ import annotations

import time

import itsdangerous.timed
import pytest

from tests.accounts.helpers import (
    audit,
    english,
    link_in,
    live_sessions,
    relative,
    reload,
    unique_email,
)
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import _TOKEN, post_form

NEW_PASSWORD = "una contraseña nueva y larga"


def log_in(client, email, password=DEFAULT_PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password}, form_url="/login")


def ask_reset(client, email, *, age_seconds=0, monkeypatch=None):
    """Request a reset link; with ``age_seconds`` the token is issued that long ago."""
    if age_seconds:
        fake = type("FakeTime", (), {"time": staticmethod(lambda: time.time() - age_seconds)})
        monkeypatch.setattr(itsdangerous.timed, "time", fake)
    try:
        return post_form(client, "/forgot-password", {"email": email}, form_url="/forgot-password")
    finally:
        if age_seconds:
            monkeypatch.setattr(itsdangerous.timed, "time", time)


def reset_link(outbox, email) -> str:
    [message] = [m for m in outbox(email) if m.template == "reset_password"]
    return relative(link_in(message, "/reset-password/"))


def set_password(client, link, password=NEW_PASSWORD, confirm=None):
    data = {"password": password, "confirm": confirm or password}
    return post_form(client, link, data, form_url=link)


@pytest.fixture
def user(make_user):
    return make_user(unique_email("rosa"), locale="en")


def test_forgot_password_always_says_the_same(client, make_user, outbox, user):
    english(client)
    inactive = make_user(unique_email("off"), active=False)
    answers = [
        ask_reset(client, address)
        for address in (user.email, unique_email("ghost"), inactive.email)
    ]
    assert {r.status_code for r in answers} == {302}
    assert len({r.headers["Location"] for r in answers}) == 1
    assert [m.template for m in outbox(user.email)] == ["reset_password"]
    assert outbox(inactive.email) == []
    assert len(audit("user.password_reset_requested", user.id)) == 1


def test_reset_sets_the_password_and_ends_every_session(app, client, outbox, user):
    english(client)
    other_device = app.test_client()
    english(other_device)
    log_in(other_device, user.email)
    assert other_device.get("/account").status_code == 200
    assert len(live_sessions(user)) == 1

    ask_reset(client, user.email)
    link = reset_link(outbox, user.email)
    assert link_in(outbox(user.email)[0], "/reset-password/").startswith("http://localhost/")
    form = client.get(link)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)

    response = set_password(client, link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    fresh = reload(user)
    assert live_sessions(user) == []  # a reset by e-mail link ends every session
    assert fresh.password_changed_dt is not None
    assert other_device.get("/account").status_code == 302  # old cookie no longer works
    assert len(audit("user.password_reset", user.id)) == 1
    assert [m.template for m in outbox(user.email)] == ["reset_password", "password_changed"]

    assert log_in(client, user.email).status_code == 200  # old password refused
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_works_only_once(client, outbox, user):
    english(client)
    ask_reset(client, user.email)
    link = reset_link(outbox, user.email)
    assert set_password(client, link).status_code == 302
    hash_after_reset = reload(user).password_hash

    again = client.get(link)
    assert again.status_code == 400
    assert "not valid or has already been used" in again.get_data(as_text=True)
    replay = set_password(client, link, password="yet another long passphrase")
    assert replay.status_code == 400
    assert reload(user).password_hash == hash_after_reset


def test_expired_reset_link_is_refused(client, outbox, user, monkeypatch):
    english(client)
    ask_reset(client, user.email, age_seconds=2 * 3600, monkeypatch=monkeypatch)
    english(client)  # the faked clock also re-signed the session cookie
    link = reset_link(outbox, user.email)
    before = reload(user).password_hash

    response = client.get(link)
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)
    assert set_password(client, link).status_code == 400
    assert reload(user).password_hash == before


def test_expiry_follows_the_configured_max_age(app, client, outbox, user, monkeypatch):
    english(client)
    ask_reset(client, user.email, age_seconds=120, monkeypatch=monkeypatch)
    english(client)  # the faked clock also re-signed the session cookie
    link = reset_link(outbox, user.email)
    assert client.get(link).status_code == 200
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", 60)
    assert client.get(link).status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("too short", "too short", "at least 12 characters"),
        ("qwerty123456", "qwerty123456", "too common"),
        (NEW_PASSWORD, "a different passphrase", "The two passwords do not match."),
    ],
)
def test_reset_form_enforces_the_policy(client, outbox, user, password, confirm, message):
    english(client)
    ask_reset(client, user.email)
    link = reset_link(outbox, user.email)
    before = reload(user).password_hash
    response = set_password(client, link, password, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert reload(user).password_hash == before


def test_reset_refuses_the_email_as_password(client, outbox, user):
    english(client)
    ask_reset(client, user.email)
    response = set_password(client, reset_link(outbox, user.email), user.email)
    assert "Do not use your e-mail address" in response.get_data(as_text=True)


def test_invited_staff_set_their_first_password(client, make_user, outbox, monkeypatch):
    """Staff created without a password use the reset link, valid for the invitation period."""
    english(client)
    staff = make_user(
        unique_email("staff"), password=None, verified=False, roles=("grants_manager",), locale="en"
    )
    ask_reset(client, staff.email, age_seconds=2 * 3600, monkeypatch=monkeypatch)
    english(client)  # the faked clock also re-signed the session cookie
    [message] = outbox(staff.email)
    assert message.subject == "Choose your Cofinancia password"
    assert "valid for 7 days" in message.body_text
    link = reset_link(outbox, staff.email)

    page = client.get(link)
    assert page.status_code == 200
    assert "Choose your password" in page.get_data(as_text=True)
    assert set_password(client, link).status_code == 302

    fresh = reload(staff)
    assert fresh.is_verified
    [entry] = audit("user.password_reset", staff.id)
    assert entry.changes == {"first_password": True, "email_verified": True}
    assert log_in(client, staff.email, NEW_PASSWORD).status_code == 302


def test_invitation_link_expires_after_the_invitation_period(
    app, client, make_user, outbox, monkeypatch
):
    english(client)
    staff = make_user(unique_email("late"), password=None, verified=False, roles=("reviewer",))
    age = app.config["INVITE_TOKEN_MAX_AGE"] + 60
    ask_reset(client, staff.email, age_seconds=age, monkeypatch=monkeypatch)
    english(client)  # the faked clock also re-signed the session cookie
    response = client.get(reset_link(outbox, staff.email))
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)


# --- change password -------------------------------------------------------------------


def change(client, current=DEFAULT_PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {"current_password": current, "password": new, "confirm": confirm or new}
    return post_form(client, "/account/password", data, form_url="/account/password")


def test_change_password_restarts_this_session_and_ends_the_others(app, client, outbox, user):
    english(client)
    other_device = app.test_client()
    log_in(other_device, user.email)
    log_in(client, user.email)
    before = {row.id for row in live_sessions(user)}
    assert len(before) == 2

    response = change(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302

    [kept] = live_sessions(user)  # this browser, on a new session row
    assert kept.id not in before
    [ended] = audit("user_session.revoked", user.id)
    assert ended.changes == {"reason": "password", "session_ids": sorted(before)}
    assert len(audit("user.password_changed", user.id)) == 1
    # The second browser's sign-in was announced as a new device (tests/accounts/test_devices.py).
    templates = [m.template for m in outbox(user.email)]
    assert templates == ["new_device_sign_in", "password_changed"]
    [notice] = [m for m in outbox(user.email) if m.template == "password_changed"]
    assert link_in(notice, "/forgot-password")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"current": "not my password at all"}, "The current password is not correct."),
        ({"new": "short", "confirm": "short"}, "at least 12 characters"),
        ({"confirm": "something different"}, "The two passwords do not match."),
    ],
)
def test_change_password_bad_input_changes_nothing(client, outbox, user, kwargs, message):
    english(client)
    log_in(client, user.email)
    before = reload(user).password_hash
    sessions_before = [row.id for row in live_sessions(user)]
    response = change(client, **kwargs)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert reload(user).password_hash == before
    assert [row.id for row in live_sessions(user)] == sessions_before
    assert outbox(user.email) == []


def test_password_changed_email_goes_out_in_the_users_language(client, make_user, outbox):
    spanish = make_user(unique_email("es"), locale="es")
    log_in(client, spanish.email)
    change(client)
    [notice] = outbox(spanish.email)
    assert notice.locale == "es"
    assert link_in(notice, "/forgot-password").startswith("http://localhost/")


def test_reset_link_ignores_a_forged_host_header(client, outbox, user):
    """Links are built on BASE_URL: a forged Host cannot send the token elsewhere."""
    token = client.get("/forgot-password", base_url="http://evil.example")
    assert token.status_code == 200
    csrf = _TOKEN.search(token.get_data(as_text=True)).group(1)
    response = client.post(
        "/forgot-password",
        data={"email": user.email, "csrf_token": csrf},
        base_url="http://evil.example",
    )
    assert response.status_code == 302
    link = link_in(outbox(user.email)[0], "/reset-password/")
    assert link.startswith("http://localhost/reset-password/")


def test_reset_link_of_another_account_leaves_my_session_alone(app, client, make_user, outbox):
    english(client)
    me = make_user(unique_email("me"), locale="en")
    other = make_user(unique_email("other"), locale="en")
    ask_reset(app.test_client(), other.email)
    log_in(client, me.email)
    assert set_password(client, reset_link(outbox, other.email)).status_code == 302
    assert client.get("/account").status_code == 200
