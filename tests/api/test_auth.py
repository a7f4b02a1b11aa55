"""Authentication and error shapes: Bearer tokens only, 401 with a challenge, JSON for every
error under /api/v1 (unknown paths, wrong methods, rate limits), a public OpenAPI document."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from portal import create_app
from portal.api import tokens
from portal.extensions import limiter
from tests.api import helpers


@pytest.fixture
def secret(ctx, personas):
    return helpers.make_token(personas["applicant"])[1]


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"]
    return body


@pytest.mark.parametrize(
    "header, code",
    [
        (None, "missing_token"),
        ("", "missing_token"),
        ("Bearer", "missing_token"),
        ("Bearer    ", "missing_token"),
        ("Basic dXNlcjpwYXNz", "missing_token"),
        ("Bearer not-a-token", "invalid_token"),
        ("Bearer " + "cfp_" + "A" * 43, "invalid_token"),  # well formed, unknown
    ],
)
def test_missing_or_bad_tokens(ctx, app, header, code):
    headers = {} if header is None else {"Authorization": header}
    response = app.test_client().get("/api/v1/awards", headers=headers)
    _error(response, 401, code)
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="cofinancia"')
    assert ('error="invalid_token"' in challenge) == (code != "missing_token")
    assert response.headers["Cache-Control"] == "no-store"


def test_scheme_is_case_insensitive_and_token_exact(ctx, app, secret):
    client = app.test_client()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"bearer {secret}"}).status_code == 200
    )
    changed = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert tokens.well_formed(changed)
    _error(client.get("/api/v1/me", headers=helpers.bearer(changed)), 401, "invalid_token")


def test_session_cookie_is_not_enough(ctx, app, personas):
    from tests.support.matrix import login

    browser = app.test_client()
    login(browser, personas["finance_officer"].email)
    assert browser.get("/finance/").status_code == 200  # logged in for the pages…
    _error(browser.get("/api/v1/awards"), 401, "missing_token")  # …but not for the API


def test_messages_follow_accept_language(ctx, app):
    client = app.test_client()
    english = client.get("/api/v1/me")
    spanish = client.get("/api/v1/me", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert english.headers["Content-Language"] == "en"
    assert spanish.headers["Content-Language"] == "es"
    assert english.get_json()["error"]["code"] == spanish.get_json()["error"]["code"]


def test_openapi_document_is_public(ctx, app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def test_unknown_paths_and_methods_answer_json(ctx, app, secret):
    client = app.test_client()
    _error(client.get("/api/v1/nothing-here", headers=helpers.bearer(secret)), 404, "not_found")
    _error(client.get("/api/v1/awards/abc", headers=helpers.bearer(secret)), 404, "not_found")
    # GET only, and no CSRF token is asked for: a POST is a 405, not a CSRF page.
    response = client.post("/api/v1/awards", headers=helpers.bearer(secret))
    _error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    _error(client.delete("/api/v1/me", headers=helpers.bearer(secret)), 405, "method_not_allowed")
    # Outside /api/v1 the pages keep their HTML error pages.
    assert client.get("/nothing-here").mimetype == "text/html"


@contextmanager
def limited_client(database_url, **limits):
    """A client of an app with rate limiting on (memory store) and the given limits; the
    limiter is shared by every app in the process, so its state is restored afterwards."""
    enabled = limiter.enabled
    try:
        app = create_app(
            "testing",
            {
                "DATABASE_URL": database_url,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "MAIL_SERVER": "",
                "REDIS_URL": "",
                **limits,
            },
        )
        limiter.reset()
        yield app.test_client()
    finally:
        limiter.enabled = enabled
        limiter.reset()


def test_rate_limit_per_token(database_url, connection, personas, ctx):
    first = helpers.make_token(personas["applicant"])[1]
    second = helpers.make_token(personas["other_applicant"])[1]
    with limited_client(database_url, API_RATE_LIMIT="3 per minute") as client:
        for _ in range(3):
            assert client.get("/api/v1/me", headers=helpers.bearer(first)).status_code == 200
        _error(client.get("/api/v1/me", headers=helpers.bearer(first)), 429, "rate_limited")
        # Another token from the same address has its own allowance.
        assert client.get("/api/v1/me", headers=helpers.bearer(second)).status_code == 200


def test_guessing_tokens_is_limited_per_address(database_url, connection, personas, ctx):
    """Each made-up token would have a fresh per-token bucket: refusals count per address."""
    good = helpers.make_token(personas["applicant"])[1]
    with limited_client(database_url, API_FAILED_AUTH_LIMIT="3 per minute") as client:
        for _ in range(3):
            _error(
                client.get("/api/v1/me", headers=helpers.bearer(tokens.generate())),
                401,
                "invalid_token",
            )
        _error(
            client.get("/api/v1/me", headers=helpers.bearer(tokens.generate())),
            429,
            "rate_limited",
        )
        # A valid token from the same address is refused too until the minute passes.
        assert client.get("/api/v1/me", headers=helpers.bearer(good)).status_code == 429
