"""Access matrix for every route of the API (with each persona's token) and of the token pages
(with each persona's session)."""

from __future__ import annotations

from tests.api import helpers

STAFF = {"grants_manager", "finance_officer", "admin"}
LOGGED_IN = {"applicant", "other_applicant", "reviewer"} | STAFF


def test_api_routes_with_tokens(world, matrix):
    a, b, pending = world["award_a"].id, world["award_b"].id, world["pending"].id
    token = {"auth": "token"}
    matrix.check("/api/v1/openapi.json", LOGGED_IN | {"anonymous"}, **token)
    matrix.check("/api/v1/me", LOGGED_IN, **token)
    matrix.check("/api/v1/calls", LOGGED_IN, **token)
    matrix.check(f"/api/v1/calls/{world['call'].id}", LOGGED_IN, **token)
    matrix.check(f"/api/v1/calls/{world['draft'].id}", {"grants_manager", "admin"}, **token)
    # Lists answer everybody with a token, filtered (their content: test_endpoints.py).
    matrix.check("/api/v1/awards", LOGGED_IN, **token)
    matrix.check("/api/v1/disbursements", LOGGED_IN, **token)
    matrix.check("/api/v1/cofinance", LOGGED_IN, **token)
    # One object: the grantee organisation's members and staff; everybody else 404.
    matrix.check(f"/api/v1/awards/{a}", STAFF | {"applicant"}, **token)
    matrix.check(f"/api/v1/awards/{b}", STAFF | {"other_applicant"}, **token)
    matrix.check(f"/api/v1/awards/{pending}", STAFF | {"applicant"}, **token)
    matrix.check(f"/api/v1/awards/{a}/disbursements", STAFF | {"applicant"}, **token)
    matrix.check(f"/api/v1/awards/{b}/disbursements", STAFF | {"other_applicant"}, **token)
    matrix.check(f"/api/v1/awards/{a}/cofinance", STAFF | {"applicant"}, **token)
    matrix.check(f"/api/v1/awards/{b}/cofinance", STAFF | {"other_applicant"}, **token)
    # Money of a grant that is not active yet: nobody (as on the finance page).
    matrix.check(f"/api/v1/awards/{pending}/disbursements", set(), **token)
    matrix.check(f"/api/v1/awards/{pending}/cofinance", set(), **token)


def test_api_refuses_sessions(world, matrix):
    """Logged-in browsers without a token get nothing from the API (401 for every persona)."""
    for url in ("/api/v1/me", "/api/v1/awards", f"/api/v1/awards/{world['award_a'].id}"):
        for persona in ("applicant", "finance_officer", "admin"):
            response = matrix.request(persona, "GET", url)
            assert response.status_code == 401, (persona, url)
            assert response.get_json()["error"]["code"] == "missing_token"


def test_token_pages(ctx, matrix, personas):
    matrix.check("/account/tokens", LOGGED_IN)
    # An empty form: the page again with its errors, nothing created.
    matrix.check("/account/tokens", LOGGED_IN, method="POST")
    token, _ = helpers.make_token(personas["applicant"])
    matrix.check(f"/account/tokens/{token.id}/revoke", {"applicant"}, method="POST")
