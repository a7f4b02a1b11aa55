"""Configuration: production refuses unsafe settings, overrides are typed, start-up is I/O free."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config
from portal import create_app

UNREACHABLE_PG = "postgresql+psycopg://nobody:secret@127.0.0.1:1/nowhere"


@pytest.fixture
def clean_env(monkeypatch):
    """No configuration leaking in from the developer's shell."""
    for name in ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, ["SECRET_KEY", "DATABASE_URL"]),
        ({"SECRET_KEY": "s" * 40}, ["DATABASE_URL"]),
        ({"DATABASE_URL": UNREACHABLE_PG}, ["SECRET_KEY"]),
        ({"SECRET_KEY": "", "DATABASE_URL": UNREACHABLE_PG}, ["SECRET_KEY"]),
    ],
)
def test_production_refuses_to_start_without_secrets(clean_env, env, missing):
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(RuntimeError) as info:
        create_app("production")
    for name in missing:
        assert name in str(info.value)


def test_portal_env_selects_production(clean_env):
    clean_env.setenv("PORTAL_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_secrets_and_hardens_cookies(clean_env):
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("DATABASE_URL", UNREACHABLE_PG)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["DATABASE_URL"] == UNREACHABLE_PG
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.config.get("TESTING")


def test_development_is_the_default(clean_env):
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert app.config["DATABASE_URL"].endswith("instance/cofinancia.sqlite3")


def test_unknown_environment_is_refused(clean_env):
    with pytest.raises(RuntimeError, match="Unknown PORTAL_ENV"):
        create_app("staging")


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("MAIL_PORT", "2525", 2525),
        ("MAIL_USE_TLS", "true", True),
        ("MAIL_USE_TLS", "1", True),
        ("RATELIMIT_ENABLED", "0", False),
        ("RATELIMIT_ENABLED", "off", False),
        ("PROXY_FIX_HOPS", "2", 2),
        ("PERMANENT_SESSION_LIFETIME", "3600", timedelta(hours=1)),
        ("MAIL_SERVER", "smtp.example.org", "smtp.example.org"),
        ("BASE_URL", "https://cofinancia.example", "https://cofinancia.example"),
    ],
)
def test_environment_overrides_are_coerced(clean_env, name, raw, expected):
    clean_env.setenv(name, raw)
    value = load_config("development")[name]
    assert value == expected
    assert type(value) is type(expected)


def test_bad_integer_override_fails_loudly(clean_env):
    clean_env.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ValueError):
        load_config("development")


def test_explicit_overrides_win_over_environment(clean_env):
    clean_env.setenv("MAIL_PORT", "2525")
    assert load_config("testing", {"MAIL_PORT": 26})["MAIL_PORT"] == 26


def test_proxy_fix_only_when_asked(clean_env):
    assert not isinstance(create_app("testing").wsgi_app, ProxyFix)
    clean_env.setenv("PROXY_FIX_HOPS", "1")
    assert isinstance(create_app("testing").wsgi_app, ProxyFix)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network call at start-up: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_start_up_makes_no_queries_or_network_calls(clean_env, no_network):
    """An unreachable PostgreSQL, Redis and SMTP server do not stop the app from being built."""
    clean_env.setenv("SECRET_KEY", "s" * 40)
    clean_env.setenv("DATABASE_URL", UNREACHABLE_PG)
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    clean_env.setenv("MAIL_SERVER", "127.0.0.1")
    clean_env.setenv("MAIL_PORT", "1")
    app = create_app("production")
    assert app.extensions["portal_db"]["engine"] is None, "no engine (or connection) at start-up"
    assert no_network == []


def test_testing_app_with_unreachable_database_builds(clean_env, no_network):
    app = create_app("testing", {"DATABASE_URL": UNREACHABLE_PG})
    assert app.config["DATABASE_URL"] == UNREACHABLE_PG
    assert app.extensions["portal_db"]["engine"] is None
    assert no_network == []
