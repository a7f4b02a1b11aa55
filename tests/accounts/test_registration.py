"""Registration, e-mail verification and resending the verification link."""

from __future__ import annotations

import pytest

from portal.accounts.roles import Role
from tests.accounts.helpers import (
    audit,
    english,
    link_in,
    relative,
    reload,
    unique_email,
    user_by_email,
)
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.forms import post_form


@pytest.fixture
def email():
    return unique_email("nueva.persona")


def register(client, address, **overrides):
    data = {
        "full_name": "  Nueva   Persona ",
        "email": f"  {address.upper()} ",
        "password": DEFAULT_PASSWORD,
        "confirm": DEFAULT_PASSWORD,
        "locale": "en",
    }
    data.update(overrides)
    return post_form(client, "/register", data, form_url="/register")


def test_register_creates_unverified_applicant_and_sends_link(client, outbox, email):
    english(client)
    response = register(client, email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/check-inbox?reason=register")

    user = user_by_email(email)
    assert user.full_name == "Nueva Persona"
    assert user.roles == {Role.APPLICANT}
    assert not user.is_verified
    assert user.locale == "en"
    assert user.password_hash.startswith("$argon2id$")
    assert audit("user.registered", user.id)

    [message] = outbox(email)
    assert message.template == "verify_email"
    assert message.locale == "en"
    assert message.subject == "Confirm your e-mail address for Cofinancia"
    link = link_in(message, "/verify-email/")
    assert link.startswith("http://localhost/verify-email/")

    page = client.get(response.headers["Location"])
    assert "Check your inbox" in page.get_data(as_text=True)


def test_verification_link_verifies_the_address(client, outbox, email):
    english(client)
    register(client, email)
    link = relative(link_in(outbox(email)[0], "/verify-email/"))

    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Thank you: your e-mail address is confirmed." in page
    user = user_by_email(email)
    assert user.is_verified
    assert len(audit("user.email_verified", user.id)) == 1

    again = client.get(link, follow_redirects=True)
    assert "already confirmed" in again.get_data(as_text=True)
    assert len(audit("user.email_verified", user.id)) == 1


def test_verified_user_can_then_log_in(client, outbox, email):
    english(client)
    register(client, email)
    client.get(relative(link_in(outbox(email)[0], "/verify-email/")))
    response = post_form(
        client, "/login", {"email": email, "password": DEFAULT_PASSWORD}, form_url="/login"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_existing_address_gets_the_same_answer_and_a_notice(client, outbox, make_user):
    english(client)
    owner = make_user(unique_email("taken"), locale="es")
    fresh = register(client, unique_email("someone.new"), full_name="Some One")
    taken = register(client, owner.email, full_name="Impostor")

    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert reload(owner).full_name != "Impostor"
    assert not audit("user.registered", owner.id)

    [notice] = outbox(owner.email)
    assert notice.template == "registration_attempt"
    assert notice.locale == "es"  # the owner's language, not the visitor's
    assert link_in(notice, "/login")
    assert link_in(notice, "/forgot-password")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short pass", "confirm": "short pass"}, "at least 12 characters"),
        ({"password": "password1234", "confirm": "password1234"}, "too common"),
        ({"password": "EMAIL", "confirm": "EMAIL"}, "Do not use your e-mail address"),
        ({"confirm": "something else entirely"}, "The two passwords do not match."),
        ({"email": "not-an-address"}, "Enter a valid e-mail address."),
        ({"full_name": "   "}, "Enter your full name."),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(client, outbox, email, overrides, message):
    english(client)
    overrides = {k: (email if v == "EMAIL" else v) for k, v in overrides.items()}
    response = register(client, email, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_by_email(email) is None
    assert outbox(email) == []


def test_missing_csrf_token_changes_nothing(client, outbox, email):
    english(client)
    data = {
        "full_name": "Nueva Persona",
        "email": email,
        "password": DEFAULT_PASSWORD,
        "confirm": DEFAULT_PASSWORD,
        "locale": "en",
    }
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert user_by_email(email) is None
    assert outbox(email) == []


def test_every_field_has_a_visible_label(client):
    english(client)
    page = client.get("/register").get_data(as_text=True)
    for field_id in ("full_name", "email", "password", "confirm", "locale"):
        assert f'<label class="form-label" for="{field_id}">' in page


def test_tampered_verification_link_is_refused(client, outbox, email):
    english(client)
    register(client, email)
    link = relative(link_in(outbox(email)[0], "/verify-email/"))
    response = client.get(link[:-3] + ("xyz" if not link.endswith("xyz") else "abc"))
    assert response.status_code == 400
    assert "not valid or has already been used" in response.get_data(as_text=True)
    assert not user_by_email(email).is_verified


def test_expired_verification_link_is_refused(app, client, outbox, email, monkeypatch):
    english(client)
    register(client, email)
    link = relative(link_in(outbox(email)[0], "/verify-email/"))
    monkeypatch.setitem(app.config, "VERIFY_TOKEN_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)
    assert not user_by_email(email).is_verified


def test_resend_verification_same_answer_whatever_the_address(client, outbox, make_user):
    english(client)
    pending = make_user(unique_email("pending"), verified=False, locale="en")
    done = make_user(unique_email("done"), verified=True)
    nobody = unique_email("nobody")
    locations = set()
    for address in (pending.email, done.email, nobody):
        response = post_form(
            client, "/resend-verification", {"email": address}, form_url="/resend-verification"
        )
        assert response.status_code == 302
        locations.add(response.headers["Location"])
    assert len(locations) == 1
    assert [m.template for m in outbox(pending.email)] == ["verify_email"]
    assert outbox(done.email) == []
    assert outbox(nobody) == []
