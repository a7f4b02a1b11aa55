"""Access matrix for every accounts route, as all seven personas."""

from __future__ import annotations

import pytest

from portal.accounts import tokens
from tests.accounts.helpers import unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.matrix import LOGGED_IN, PERSONAS

EVERYONE = set(PERSONAS)


@pytest.fixture
def spare_tokens(app, make_user):
    """Links for an account that is not one of the personas."""
    spare = make_user(verified=False)
    with app.app_context():
        return {
            "verify": tokens.email_verification_token(spare),
            "reset": tokens.password_reset_token(spare),
        }


@pytest.mark.parametrize(
    "url",
    [
        "/login",
        "/register",
        "/check-inbox?reason=reset",
        "/forgot-password",
        "/resend-verification",
    ],
)
def test_public_pages_open_to_everyone(matrix, url):
    # Logged-in users asking for /login or /register are sent to their dashboard.
    matrix.check(url, allowed=EVERYONE)


def test_token_links_open_to_everyone(matrix, spare_tokens):
    # Confirming an address sends visitors on to the log-in page (which the matrix counts as
    # a refusal for "anonymous"), logged-in users to their dashboard.
    verify = f"/verify-email/{spare_tokens['verify']}"
    matrix.check(verify, allowed=LOGGED_IN)
    anonymous = matrix.client("anonymous").get(verify)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].endswith("/login")
    matrix.check(f"/reset-password/{spare_tokens['reset']}", allowed=EVERYONE)


def test_public_posts(matrix):
    matrix.check("/forgot-password", allowed=EVERYONE, method="POST", data={"email": "x@y.org"})
    matrix.check("/resend-verification", allowed=EVERYONE, method="POST", data={"email": "x@y.org"})
    matrix.check("/login", allowed=EVERYONE, method="POST", data={})


def test_account_pages_need_a_login(matrix):
    matrix.check("/account", allowed=LOGGED_IN)
    matrix.check("/account/password", allowed=LOGGED_IN)


def test_account_posts_need_a_login(matrix, personas):
    def profile_for(persona):
        user = personas.get(persona)
        return {
            "full_name": getattr(user, "full_name", "Nobody"),
            "locale": "es",
            "timezone": "America/Mexico_City",
        }

    matrix.check("/account", allowed=LOGGED_IN, method="POST", data_for=profile_for)
    matrix.check(
        "/account/password",
        allowed=LOGGED_IN,
        method="POST",
        data={"current_password": "wrong", "password": "x", "confirm": "y"},
    )
    # Rotates each persona's session token; the persona's own browser gets a fresh session.
    matrix.check("/account/logout-everywhere", allowed=LOGGED_IN, method="POST")
    matrix.check("/account", allowed=LOGGED_IN)


def test_logout_open_to_everyone(matrix):
    matrix.check("/logout", allowed=EVERYONE, method="POST")
    # ...and afterwards every persona is logged out.
    for persona in PERSONAS:
        response = matrix.client(persona).get("/account")
        assert response.status_code == 302, persona


def test_register_post_for_everyone(matrix):
    data = {
        "full_name": "Alguien",
        "email": unique_email("matrix.register"),
        "password": DEFAULT_PASSWORD,
        "confirm": DEFAULT_PASSWORD,
        "locale": "es",
    }
    matrix.check("/register", allowed=EVERYONE, method="POST", data=data)
