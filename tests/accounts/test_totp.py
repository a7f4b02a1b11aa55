"""The authenticator app: secrets encrypted at rest, codes accepted once, enrolment and
removal through the security page."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import text

from portal.accounts import totp
from portal.core.db import db
from tests.accounts.factor_helpers import (
    SETUP,
    code,
    codes_on,
    enrol,
    give_totp,
    hidden,
    secret_on,
    totp_row,
    unused_codes,
)
from tests.accounts.helpers import audit, english, unique_email
from tests.support.context import factory_context
from tests.support.forms import post_form
from tests.support.matrix import LOGGED_IN, login
from tests.support.proof import set_proof

REMOVE = "/account/security/authenticator/remove"


@pytest.fixture
def user(make_user):
    return make_user(unique_email("tomas"), locale="en")


@pytest.fixture
def signed_in(client, user):
    english(client)
    login(client, user.email)
    return client


# --- the module ------------------------------------------------------------------------


def test_codes_are_accepted_one_step_either_side_and_never_twice(ctx):
    secret = totp.new_secret()
    assert len(secret) == 32  # 160 bits in base32
    now = time.time()
    current = int(now // 30)
    otp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        step = current + offset
        assert totp.matching_step(secret, otp.at(step * 30), last_step=None, at=now) == step
    for offset in (-2, 2):
        assert totp.matching_step(secret, otp.at(now + 30 * offset), last_step=None, at=now) is None
    # Replays: a step at or before the last accepted one is refused.
    assert totp.matching_step(secret, otp.at(now), last_step=current, at=now) is None
    assert totp.matching_step(secret, otp.at(now - 30), last_step=current, at=now) is None
    assert totp.matching_step(secret, otp.at(now + 30), last_step=current, at=now) == current + 1
    # Not a 6-digit code.
    assert totp.matching_step(secret, "12345", last_step=None) is None
    assert totp.matching_step(secret, "１２３４５６", last_step=None) is None


def test_secret_encryption_and_enrolment_token(ctx):
    secret = totp.new_secret()
    sealed = totp.encrypt(secret)
    assert secret not in sealed
    assert totp.decrypt(sealed) == secret
    token = totp.enrolment_token(7, secret)
    assert secret not in token
    assert totp.secret_from_enrolment_token(token, 7) == secret
    assert totp.secret_from_enrolment_token(token, 8) is None  # another user's
    assert totp.secret_from_enrolment_token(token[:-4] + "AAAA", 7) is None
    assert totp.secret_from_enrolment_token("garbage", 7) is None
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_provisioning_uri_and_qr_code(ctx, app):
    uri = totp.provisioning_uri(totp.new_secret(), "ana@example.org")
    assert uri.startswith("otpauth://totp/")
    assert "issuer=" + app.config["MFA_ISSUER"] in uri
    assert "ana%40example.org" in uri or "ana@example.org" in uri
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml")


# --- enrolment through the pages -------------------------------------------------------


def test_enrolment_shows_the_codes_once_and_stores_the_secret_encrypted(signed_in, user, outbox):
    page = signed_in.get(SETUP)
    assert page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in body
    assert "otpauth://totp/" in body
    assert "Code from the app" in body
    assert totp_row(user.id) is None  # nothing stored before the first code

    secret, codes, response = enrol(signed_in)
    assert response.headers["Cache-Control"] == "no-store"
    assert len(codes) == len(set(codes)) == 10
    assert "I have saved them, continue" in response.get_data(as_text=True)

    row = totp_row(user.id)
    assert row.confirmed_dt is not None and row.last_step is not None
    stored = db.session.execute(
        text("SELECT secret_encrypted FROM totp_factors WHERE user_id = :u"), {"u": user.id}
    ).scalar_one()
    assert secret not in stored and secret.lower() not in stored
    with factory_context(signed_in.application):
        assert totp.decrypt(stored) == secret
    assert unused_codes(user.id) == 10
    assert len(audit("totp_factor.enrolled")) == 1
    assert audit("recovery_codes.generated", user.id)[-1].changes == {"count": 10}
    [mail] = outbox(user.email)
    assert mail.template == "second_factor_added"
    assert "Authenticator app" in mail.body_text
    for each in codes:
        assert each not in mail.body_text

    # The page is not shown again: the set-up page now sends to the security page.
    again = signed_in.get(SETUP)
    assert again.status_code == 302 and again.headers["Location"].endswith("/account/security")
    security = signed_in.get("/account/security").get_data(as_text=True)
    assert "10 recovery codes left." in security
    for each in codes:
        assert each not in security


def test_a_wrong_code_keeps_the_same_secret_and_saves_nothing(signed_in, user):
    page = signed_in.get(SETUP).get_data(as_text=True)
    secret = secret_on(page)
    wrong = f"{(int(code(secret)) + 1) % 1000000:06d}"
    response = post_form(
        signed_in, SETUP, {"code": wrong, "enrolment": hidden(page, "enrolment")}, form_url=SETUP
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That code is not right." in body
    assert secret_on(body) == secret  # no need to scan again
    assert totp_row(user.id) is None
    assert not codes_on(body)


@pytest.mark.parametrize("enrolment", ["", "forged-token", "gAAAAABl" + "x" * 60])
def test_a_missing_or_forged_enrolment_token_saves_nothing(signed_in, user, enrolment):
    response = post_form(
        signed_in, SETUP, {"code": "123456", "enrolment": enrolment}, form_url=SETUP
    )
    assert "This set-up page has expired." in response.get_data(as_text=True)
    assert totp_row(user.id) is None


def test_another_users_enrolment_token_is_refused(signed_in, user, make_user, app):
    other = make_user(unique_email("otra"))
    secret = totp.new_secret()
    with factory_context(app):
        token = totp.enrolment_token(other.id, secret)
    response = post_form(
        signed_in, SETUP, {"code": code(secret), "enrolment": token}, form_url=SETUP
    )
    assert "This set-up page has expired." in response.get_data(as_text=True)
    assert totp_row(user.id) is None


@pytest.mark.parametrize("value", ["", "abc", "9" * 50, "12\x0034"])
def test_bad_input_on_the_setup_form(signed_in, user, value):
    page = signed_in.get(SETUP).get_data(as_text=True)
    response = post_form(
        signed_in, SETUP, {"code": value, "enrolment": hidden(page, "enrolment")}, form_url=SETUP
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block"' in response.get_data(as_text=True)
    assert totp_row(user.id) is None


# --- removal ---------------------------------------------------------------------------


def test_removing_the_app_deletes_it_and_its_codes(signed_in, user, outbox):
    enrol(signed_in)
    response = post_form(signed_in, REMOVE, form_url="/account/security")
    assert response.headers["Location"].endswith("/account/security")
    assert totp_row(user.id) is None
    assert unused_codes(user.id) == 0
    assert len(audit("totp_factor.removed")) == 1
    assert [m.template for m in outbox(user.email)][-1] == "second_factor_removed"
    page = signed_in.get("/account/security").get_data(as_text=True)
    assert "Your authenticator app is removed." in page
    assert "Not set up" in page


def test_a_role_that_requires_a_factor_keeps_the_last_one(
    client, make_user, app, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", "grants_manager")
    manager = make_user(unique_email("gestor"), roles=("grants_manager",))
    english(client)
    login(client, manager.email)
    enrol(client)
    sent = len(outbox(manager.email))
    page = client.get("/account/security").get_data(as_text=True)
    assert "add a passkey before you can remove" in page
    response = post_form(client, REMOVE, form_url="/account/security", follow_redirects=True)
    assert "Your role requires a second factor" in response.get_data(as_text=True)
    assert totp_row(manager.id) is not None
    assert unused_codes(manager.id) == 10
    assert len(outbox(manager.email)) == sent
    assert audit("totp_factor.removed") == []


def test_removing_needs_a_recent_proof(signed_in, user, app):
    enrol(signed_in)
    set_proof(signed_in, app.config["STEP_UP_MAX_AGE"] + 60)
    response = post_form(signed_in, REMOVE, form_url="/account/security")
    assert "/account/confirm" in response.headers["Location"]
    assert totp_row(user.id) is not None


def test_removing_without_an_app_is_a_clear_message(signed_in, user):
    response = post_form(signed_in, REMOVE, form_url="/account/security", follow_redirects=True)
    assert "No authenticator app is set up for your account." in response.get_data(as_text=True)


# --- pages, languages and access -------------------------------------------------------


def test_security_page_in_spanish_and_english(client, make_user):
    person = make_user(unique_email("lucia"), locale="es")
    login(client, person.email)
    spanish = client.get("/account/security?lang=es").get_data(as_text=True)
    assert 'lang="es"' in spanish
    english_page = client.get("/account/security?lang=en").get_data(as_text=True)
    assert "Set up an authenticator app" in english_page
    assert "Authenticator app" in english_page
    setup = client.get(SETUP + "?lang=es")
    assert setup.status_code == 200
    profile = client.get("/account?lang=en").get_data(as_text=True)
    assert 'href="/account/security"' in profile


def test_access_matrix(matrix):
    matrix.check("/account/security", allowed=LOGGED_IN)
    matrix.check(SETUP, allowed=LOGGED_IN)
    matrix.check(SETUP, allowed=LOGGED_IN, method="POST", data={"code": "1", "enrolment": "x"})
    # Nobody has an app: the answer is a message on the security page.
    matrix.check(REMOVE, allowed=LOGGED_IN, method="POST")


def test_give_totp_helper_matches_the_pages(signed_in, user, app):
    secret, codes = give_totp(app, user)
    assert len(codes) == 10
    assert totp_row(user.id).confirmed_dt is not None
    assert secret
