"""Session cookies, "log out of all devices" and the production cookie settings."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.accounts.helpers import audit, english, live_sessions, reload, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form


def log_in(client, email):
    return post_form(
        client, "/login", {"email": email, "password": DEFAULT_PASSWORD}, form_url="/login"
    )


def session_cookie_header(response, name="cofinancia_session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


@pytest.fixture
def user(make_user):
    return make_user(unique_email("lucia"), locale="en")


def test_session_cookie_is_httponly_and_samesite_lax(client, user):
    english(client)
    header = session_cookie_header(log_in(client, user.email))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Expires=" in header  # bounded lifetime (PERMANENT_SESSION_LIFETIME)
    assert "Secure" not in header  # plain HTTP in tests; production sets it (below)


def test_static_files_and_plain_pages_never_rewrite_the_session(client, user):
    """A response to a request sent before a log-in or a language switch must not set the older
    session again: the cookie is written only when the session changes."""
    log_in(client, user.email)
    client.get("/dashboard")  # the first page after log-in stores the new CSRF secret
    for url in ("/static/css/portal.css", "/dashboard", "/static/css/portal.css"):
        response = client.get(url)
        assert response.status_code == 200
        assert not [
            h for h in response.headers.getlist("Set-Cookie") if "cofinancia_session=" in h
        ], url
    switched = client.get("/dashboard?lang=es")
    assert session_cookie_header(switched)  # a real change is still saved


def test_no_remember_me_cookie(client, user):
    response = log_in(client, user.email)
    assert not [h for h in response.headers.getlist("Set-Cookie") if "remember" in h.lower()]


def test_logout_everywhere_kills_old_cookies_and_keeps_this_browser(app, client, user):
    english(client)
    laptop, phone = client, app.test_client()
    log_in(laptop, user.email)
    log_in(phone, user.email)
    assert phone.get("/account").status_code == 200
    assert len(live_sessions(user)) == 2

    response = post_form(laptop, "/account/logout-everywhere", {}, form_url="/account")
    assert response.status_code == 302
    assert phone.get("/account").status_code == 302  # the old cookie stopped working
    assert laptop.get("/account").status_code == 200  # this browser's session is kept
    assert len(live_sessions(user)) == 1
    [entry] = audit("user_session.revoked", user.id)
    assert entry.changes["reason"] == "others"


def test_copied_cookie_stops_working_after_logout_everywhere(app, client, user):
    """A stolen copy of the cookie is useless once the owner logs out everywhere."""
    log_in(client, user.email)
    stolen = client.get_cookie("cofinancia_session").value
    thief = app.test_client()
    thief.set_cookie("cofinancia_session", stolen, domain="localhost")
    assert thief.get("/account").status_code == 200

    post_form(client, "/account/logout-everywhere", {}, form_url="/account")
    assert thief.get("/account").status_code == 302


def test_logout_everywhere_needs_csrf(app, client, user):
    log_in(client, user.email)
    other = app.test_client()
    log_in(other, user.email)
    assert client.post("/account/logout-everywhere").status_code == 400
    assert len(live_sessions(user)) == 2


def test_deactivated_user_loses_the_session(client, user):
    log_in(client, user.email)
    from portal.core.db import db

    reload(user).is_active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_secrets(clean_env):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    clean_env.setenv("SECRET_KEY", "s" * 40)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_session_cookie_is_secure(clean_env, database_url, connection, restore_limiter):
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("DATABASE_URL", database_url)
    prod = create_app("production")
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    response = prod.test_client().get("/login", base_url="https://localhost")
    header = session_cookie_header(response)
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
