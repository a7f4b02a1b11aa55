"""Identity confirmation (step-up): a code for users with a second factor, the password for
the others; then back to the page they came from."""

from __future__ import annotations

import pytest

from portal.accounts import session_auth
from tests.accounts.factor_helpers import code, give_totp, sign_in_with_code, unused_codes
from tests.accounts.helpers import audit, english, unique_email
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form
from tests.support.matrix import LOGGED_IN, login
from tests.support.proof import proof_age, set_proof

CONFIRM = "/account/confirm"


@pytest.fixture
def user(make_user):
    return make_user(unique_email("carla"), locale="en")


def _stale(client, app):
    set_proof(client, app.config["STEP_UP_MAX_AGE"] + 60)


def _confirm(client, data, next_url="/account/security"):
    return post_form(
        client, f"{CONFIRM}?next={next_url}", {**data, "next": next_url}, form_url=CONFIRM
    )


def test_without_a_factor_the_password_confirms(client, user, app):
    english(client)
    login(client, user.email)
    _stale(client, app)
    page = client.get(CONFIRM + "?next=/account/security").get_data(as_text=True)
    assert "Password" in page and "Authentication code" not in page
    wrong = _confirm(client, {"password": "not my password"})
    assert wrong.status_code == 200
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert len(audit("user.identity_confirmation_failed", user.id)) == 1
    right = _confirm(client, {"password": DEFAULT_PASSWORD})
    assert right.headers["Location"].endswith("/account/security")
    [entry] = audit("user.identity_confirmed", user.id)
    assert entry.changes == {"method": "password"}


def test_with_a_factor_a_code_confirms_and_restarts_the_clock(client, user, app):
    secret, codes = give_totp(app, user)
    english(client)
    sign_in_with_code(client, user.email, code(secret, -1))
    _stale(client, app)
    wrong = _confirm(client, {"code": "000000"})
    assert "That code is not valid." in wrong.get_data(as_text=True)
    right = _confirm(client, {"code": code(secret)})
    assert right.headers["Location"].endswith("/account/security")
    assert proof_age(client) < 60
    # A recovery code works as well (once).
    _stale(client, app)
    assert _confirm(client, {"code": codes[0]}).status_code == 302
    assert unused_codes(user.id) == 9


def test_the_password_is_not_enough_with_a_factor(client, user, app):
    secret, _ = give_totp(app, user)
    english(client)
    sign_in_with_code(client, user.email, code(secret))
    response = _confirm(client, {"password": DEFAULT_PASSWORD, "code": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "That code is not valid." in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:x"])
def test_an_unsafe_next_goes_to_the_dashboard(client, user, target):
    english(client)
    login(client, user.email)
    response = _confirm(client, {"password": DEFAULT_PASSWORD}, next_url=target)
    assert response.headers["Location"].endswith("/dashboard")


def test_step_up_sends_here_and_back(client, user, app):
    secret, _ = give_totp(app, user)
    english(client)
    sign_in_with_code(client, user.email, code(secret, -1))
    _stale(client, app)
    refused = post_form(
        client,
        "/account/security/recovery-codes",
        form_url="/account/security",
        headers={"Referer": "http://localhost/account/security"},
    )
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith(CONFIRM)
    assert unused_codes(user.id) == 10  # nothing changed
    assert "please confirm it is you" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    back = _confirm(client, {"code": code(secret)})
    assert back.headers["Location"].endswith("/account/security")
    assert session_auth is not None


def test_confirm_page_in_spanish(client, user):
    login(client, user.email)
    page = client.get(CONFIRM + "?lang=es")
    assert page.status_code == 200 and 'lang="es"' in page.get_data(as_text=True)


def test_access_matrix(matrix):
    matrix.check(CONFIRM, allowed=LOGGED_IN)
    matrix.check(CONFIRM, allowed=LOGGED_IN, method="POST", data={"password": "wrong"})
