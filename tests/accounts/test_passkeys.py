"""Passkeys and security keys (issue 17): registration, the second step of a sign-in, identity
confirmation, sign-in without a password, rename and removal. A software authenticator
(tests/support/soft_authenticator.py) answers, so py_webauthn's real verification runs."""

from __future__ import annotations

import time

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.accounts import pending_login
from portal.accounts.factor_models import WebAuthnCredential
from portal.core.db import db
from tests.accounts.helpers import audit, english, reload, unique_email
from tests.accounts.passkey_helpers import (
    CONFIRM,
    CONFIRM_OPTIONS,
    LOGIN,
    LOGIN_OPTIONS,
    REGISTER,
    REGISTER_OPTIONS,
    SECOND_STEP,
    SECOND_STEP_OPTIONS,
    add_passkey,
    authenticate,
    fresh,
    post_json,
    register,
)
from tests.support.forms import post_form
from tests.support.matrix import login
from tests.support.proof import proof_age, proof_at, set_proof
from tests.support.soft_authenticator import SoftAuthenticator

FAILED = "The passkey could not be verified. Please try again."
EXPIRED = "This request has expired. Please try again."


@pytest.fixture
def user(make_user):
    return make_user(unique_email("pk"), locale="en")


@pytest.fixture
def signed_in(client, user):
    english(client)
    login(client, user.email)
    return client


def passkeys_of(user):
    db.session.expire_all()
    stmt = select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
    return db.session.scalars(stmt).all()


def pend(client, user, next_url="/account"):
    """This browser gave ``user``'s password; the second step is next."""
    with client.session_transaction() as sess:
        sess[pending_login.KEY] = {"uid": user.id, "at": time.time(), "next": next_url, "tries": 0}


# --- registration --------------------------------------------------------------------------


def test_register_a_passkey(signed_in, user, outbox):
    page = signed_in.get("/account/passkeys")
    assert page.status_code == 200
    assert "Add a passkey" in page.get_data(as_text=True)
    authenticator = SoftAuthenticator()

    options = post_json(signed_in, REGISTER_OPTIONS, {"name": "Work laptop"}).get_json()
    assert options["rp"] == {"id": "localhost", "name": "Cofinancia"}
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["extensions"] == {"credProps": True}
    answer = authenticator.create(options)
    response = post_json(signed_in, REGISTER, {"name": " Work  laptop ", "credential": answer})

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"redirect": "/account/passkeys"}
    [cred] = passkeys_of(user)
    assert cred.name == "Work laptop"
    assert cred.credential_id == authenticator.id
    assert cred.discoverable is True
    assert cred.transports == "internal"
    assert cred.sign_count == 0
    assert reload(user).webauthn_handle == options["user"]["id"]
    assert len(reload(user).webauthn_handle) == 86  # 64 random bytes
    [entry] = audit("webauthn_credential.registered", cred.id)
    assert entry.user_id == user.id
    assert entry.changes == {"name": "Work laptop"}
    [mail] = [m for m in outbox(user.email) if m.template == "second_factor_added"]
    assert "Work laptop" in mail.body_text
    assert "/account/security" in mail.body_text
    listed = signed_in.get("/account/passkeys").get_data(as_text=True)
    assert "Work laptop" in listed and "Your passkey is added." in listed


def test_second_registration_excludes_the_first(signed_in, user):
    first = SoftAuthenticator()
    assert register(signed_in, first, "One").status_code == 200
    options = post_json(signed_in, REGISTER_OPTIONS, {"name": "Two"}).get_json()
    assert [c["id"] for c in options["excludeCredentials"]] == [first.id]
    # The same key again is refused, even if the browser let it through.
    answer = first.create(options)
    again = post_json(signed_in, REGISTER, {"name": "Two", "credential": answer})
    assert again.status_code == 400
    assert again.get_json() == {"error": "This passkey is already registered."}
    assert [c.name for c in passkeys_of(user)] == ["One"]


def test_adding_a_second_key_asks_for_a_recent_factor(app, signed_in, user):
    add_passkey(user, "First")
    set_proof(signed_in, 10 * 24 * 3600)
    response = post_json(signed_in, REGISTER_OPTIONS, {"name": "Second"})
    if "accounts.confirm_identity" in app.view_functions:
        assert "/account/confirm" in response.get_json()["redirect"]
    else:
        assert response.status_code == 400
        assert "confirm it is you" in response.get_json()["error"]
    with signed_in.session_transaction() as sess:
        assert "_webauthn_register" not in sess  # no challenge issued
    assert [c.name for c in passkeys_of(user)] == ["First"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please give this passkey a name."),
        ("   ", "Please give this passkey a name."),
        ("x" * 61, "The name can have at most 60 characters."),
        ("laptop", "You already have a passkey with this name."),
    ],
)
def test_bad_names_are_refused(signed_in, user, name, message):
    add_passkey(user, "Laptop")
    response = post_json(signed_in, REGISTER_OPTIONS, {"name": name})
    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    # ...and at verification too (the options were asked with a good name).
    options = post_json(signed_in, REGISTER_OPTIONS, {"name": "Fine"}).get_json()
    answer = SoftAuthenticator().create(options)
    response = post_json(signed_in, REGISTER, {"name": name, "credential": answer})
    assert response.get_json() == {"error": message}
    assert len(passkeys_of(user)) == 1


@pytest.mark.parametrize(
    "forge",
    [{"origin": "http://evil.example"}, {"rp_id": "evil.example"}],
    ids=["wrong-origin", "wrong-rp"],
)
def test_forged_registrations_are_refused(signed_in, user, forge):
    response = register(signed_in, SoftAuthenticator(), **forge)
    assert response.status_code == 400
    assert response.get_json() == {"error": FAILED}
    assert passkeys_of(user) == []
    assert audit("webauthn_credential.registered") == []


def test_a_registration_challenge_is_used_once(signed_in, user):
    authenticator = SoftAuthenticator()
    options = post_json(signed_in, REGISTER_OPTIONS, {"name": "One"}).get_json()
    answer = authenticator.create(options)
    assert post_json(signed_in, REGISTER, {"name": "One", "credential": answer}).status_code == 200
    replay = post_json(signed_in, REGISTER, {"name": "Other", "credential": answer})
    assert replay.status_code == 400
    assert replay.get_json() == {"error": EXPIRED}
    assert len(passkeys_of(user)) == 1


def test_an_old_challenge_has_expired(signed_in, user, monkeypatch):
    options = post_json(signed_in, REGISTER_OPTIONS, {"name": "One"}).get_json()
    answer = SoftAuthenticator().create(options)
    later = time.time() + 301
    monkeypatch.setattr("portal.accounts.passkeys.now_utc", lambda: _at(later))
    response = post_json(signed_in, REGISTER, {"name": "One", "credential": answer})
    assert response.get_json() == {"error": EXPIRED}
    assert passkeys_of(user) == []


def _at(timestamp):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, UTC)


def test_registration_without_options_or_with_garbage(signed_in, user):
    assert post_json(signed_in, REGISTER, {"name": "X"}).get_json() == {"error": EXPIRED}
    post_json(signed_in, REGISTER_OPTIONS, {"name": "X"})
    garbage = post_json(signed_in, REGISTER, {"name": "X", "credential": {"id": 3}})
    assert garbage.status_code == 400
    assert garbage.get_json() == {"error": FAILED}
    assert passkeys_of(user) == []


# --- second step of a sign-in ----------------------------------------------------------------


def test_second_step_with_a_passkey(client, user):
    english(client)
    authenticator, cred = add_passkey(user)
    pend(client, user, "/account")
    options = post_json(client, SECOND_STEP_OPTIONS).get_json()
    assert [c["id"] for c in options["allowCredentials"]] == [cred.credential_id]
    answer = authenticator.get(options)
    response = post_json(client, SECOND_STEP, {"credential": answer})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"redirect": "/account"}
    assert client.get("/account").status_code == 200
    [entry] = audit("user.login", user.id)
    assert entry.changes["factor"] == "passkey"
    assert fresh(cred).sign_count == 1
    assert fresh(cred).last_used_dt is not None
    with client.session_transaction() as sess:
        assert pending_login.KEY not in sess
    assert proof_at(client) is not None


def test_second_step_needs_a_pending_sign_in(client, user):
    english(client)
    add_passkey(user)
    response = post_json(client, SECOND_STEP_OPTIONS)
    assert response.status_code == 403
    assert "log in again" in response.get_json()["error"]
    assert post_json(client, SECOND_STEP, {"credential": {}}).status_code == 403
    assert client.get("/account").status_code == 302


def test_second_step_refuses_another_users_passkey(client, user, make_user):
    english(client)
    add_passkey(user)
    other_key, _ = add_passkey(make_user(unique_email("other")), "Other")
    pend(client, user)
    response = authenticate(client, other_key, SECOND_STEP_OPTIONS, SECOND_STEP)
    assert response.status_code == 400
    assert response.get_json() == {"error": FAILED}
    assert client.get("/account").status_code == 302
    assert audit("user.login", user.id) == []


def test_second_step_gives_up_after_too_many_failures(client, user):
    english(client)
    authenticator, _ = add_passkey(user)
    pend(client, user)
    for _ in range(pending_login.MAX_TRIES - 1):
        forged = authenticate(
            client, authenticator, SECOND_STEP_OPTIONS, SECOND_STEP, origin="http://evil.example"
        )
        assert forged.get_json() == {"error": FAILED}
    last = authenticate(
        client, authenticator, SECOND_STEP_OPTIONS, SECOND_STEP, origin="http://evil.example"
    )
    assert last.get_json() == {"error": "Too many attempts. Please log in again."}
    assert post_json(client, SECOND_STEP_OPTIONS).status_code == 403


# --- authentication refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    "forge",
    [
        {"origin": "http://evil.example"},
        {"rp_id": "evil.example"},
    ],
    ids=["wrong-origin", "wrong-rp"],
)
def test_forged_assertions_are_refused(client, user, forge):
    english(client)
    authenticator, cred = add_passkey(user)
    pend(client, user)
    response = authenticate(client, authenticator, SECOND_STEP_OPTIONS, SECOND_STEP, **forge)
    assert response.get_json() == {"error": FAILED}
    assert fresh(cred).sign_count == 0 and fresh(cred).last_used_dt is None


def test_a_replayed_assertion_is_refused(client, user):
    english(client)
    authenticator, _ = add_passkey(user)
    pend(client, user)
    options = post_json(client, SECOND_STEP_OPTIONS).get_json()
    answer = authenticator.get(options)
    post_json(client, SECOND_STEP_OPTIONS)  # a new challenge replaces the old one
    response = post_json(client, SECOND_STEP, {"credential": answer})
    assert response.get_json() == {"error": FAILED}
    assert client.get("/account").status_code == 302


def test_a_counter_that_goes_back_is_refused(client, user):
    english(client)
    authenticator, cred = add_passkey(user)
    cred.sign_count = 10
    db.session.commit()
    pend(client, user)
    response = authenticate(client, authenticator, SECOND_STEP_OPTIONS, SECOND_STEP, sign_count=5)
    assert response.get_json() == {"error": FAILED}
    assert fresh(cred).sign_count == 10


def test_an_authenticator_without_counter_is_accepted(client, user):
    english(client)
    authenticator, cred = add_passkey(user, authenticator=SoftAuthenticator(counter=False))
    for _ in range(2):
        client.post("/logout", data={"csrf_token": _token(client)})
        pend(client, user)
        response = authenticate(client, authenticator, SECOND_STEP_OPTIONS, SECOND_STEP)
        assert response.status_code == 200, response.get_json()
    assert fresh(cred).sign_count == 0


def _token(client):
    from tests.support.forms import csrf_token

    return csrf_token(client, "/")


# --- identity confirmation -----------------------------------------------------------------


def test_confirm_identity_with_a_passkey(signed_in, user):
    authenticator, _ = add_passkey(user)
    set_proof(signed_in, None)
    response = authenticate(
        signed_in, authenticator, CONFIRM_OPTIONS, CONFIRM, next_url="/account/password"
    )
    assert response.get_json() == {"redirect": "/account/password"}
    assert proof_age(signed_in) < 5


def test_confirm_refuses_another_users_passkey(signed_in, user, make_user):
    add_passkey(user)
    other_key, _ = add_passkey(make_user(unique_email("other")), "Other")
    set_proof(signed_in, None)
    response = authenticate(signed_in, other_key, CONFIRM_OPTIONS, CONFIRM)
    assert response.get_json() == {"error": FAILED}
    assert proof_at(signed_in) is None


def test_confirm_without_a_passkey(signed_in):
    response = post_json(signed_in, CONFIRM_OPTIONS)
    assert response.status_code == 400
    assert response.get_json() == {"error": "You have no passkey registered."}


def test_an_unsafe_next_is_ignored(signed_in, user):
    authenticator, _ = add_passkey(user)
    response = authenticate(
        signed_in, authenticator, CONFIRM_OPTIONS, CONFIRM, next_url="https://evil.example/"
    )
    assert response.get_json() == {"redirect": "/dashboard"}


# --- sign-in without a password ------------------------------------------------------------


def test_sign_in_with_a_passkey(client, user):
    english(client)
    authenticator, _ = add_passkey(user)
    options = post_json(client, LOGIN_OPTIONS).get_json()
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    assert options["rpId"] == "localhost"
    answer = authenticator.get(options)
    response = post_json(client, LOGIN, {"credential": answer, "next": "/account"})
    assert response.get_json() == {"redirect": "/account"}
    assert client.get("/account").status_code == 200
    [entry] = audit("user.login", user.id)
    assert entry.changes == {"method": "passkey", "factor": "passkey"}
    assert reload(user).last_login_dt is not None
    assert proof_at(client) is not None


def test_the_login_page_offers_a_passkey(client):
    english(client)
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with a passkey" in page
    assert 'data-options-url="/login/passkey/options"' in page
    assert "js/passkeys.js" in page


@pytest.mark.parametrize("case", ["unverified-user", "inactive", "unverified-email", "unknown"])
def test_sign_in_refusals_all_look_the_same(client, user, make_user, case):
    english(client)
    authenticator, _ = add_passkey(user)
    user = reload(user)
    forge = {}
    if case == "unverified-user":
        forge = {"verified": False}
    elif case == "inactive":
        user.is_active = False
    elif case == "unverified-email":
        user.email_verified_dt = None
    elif case == "unknown":
        authenticator = SoftAuthenticator()
    db.session.commit()
    response = authenticate(client, authenticator, LOGIN_OPTIONS, LOGIN, **forge)
    assert response.status_code == 400
    assert response.get_json() == {"error": FAILED}
    assert client.get("/account").status_code == 302
    assert audit("user.login") == []


def test_sign_in_refuses_a_mismatched_user_handle(client, user, make_user):
    english(client)
    authenticator, _ = add_passkey(user)
    other = make_user(unique_email("other"))
    other_key, _ = add_passkey(other, "Other")
    authenticator.user_handle = other_key.user_handle
    response = authenticate(client, authenticator, LOGIN_OPTIONS, LOGIN)
    assert response.get_json() == {"error": FAILED}


def test_signed_in_users_are_sent_on(signed_in):
    assert post_json(signed_in, LOGIN_OPTIONS).get_json() == {"redirect": "/dashboard"}
    assert post_json(signed_in, LOGIN, {}).get_json() == {"redirect": "/dashboard"}


# --- rename and remove -----------------------------------------------------------------------


def test_rename(signed_in, user):
    _, cred = add_passkey(user, "Laptop")
    add_passkey(user, "Phone")
    url = f"/account/passkeys/{cred.id}/rename"
    response = post_form(signed_in, url, {"name": "Old laptop"}, follow_redirects=True)
    assert "The passkey is renamed." in response.get_data(as_text=True)
    assert fresh(cred).name == "Old laptop"
    [entry] = audit("webauthn_credential.renamed", cred.id)
    assert entry.changes == {"name": ["Laptop", "Old laptop"]}
    clash = post_form(signed_in, url, {"name": "PHONE"}, follow_redirects=True)
    assert "You already have a passkey with this name." in clash.get_data(as_text=True)
    assert fresh(cred).name == "Old laptop"


def test_remove(signed_in, user, outbox):
    authenticator = SoftAuthenticator()
    assert register(signed_in, authenticator, "Laptop").status_code == 200
    [cred] = passkeys_of(user)
    response = post_form(
        signed_in, f"/account/passkeys/{cred.id}/remove", {}, follow_redirects=True
    )
    assert "The passkey is removed." in response.get_data(as_text=True)
    assert passkeys_of(user) == []
    [entry] = audit("webauthn_credential.removed", cred.id)
    assert entry.user_id == user.id
    [mail] = [m for m in outbox(user.email) if m.template == "second_factor_removed"]
    assert "Laptop" in mail.body_text
    # A removed passkey signs no one in.
    signed_in.post("/logout", data={"csrf_token": _token(signed_in)})
    response = authenticate(signed_in, authenticator, LOGIN_OPTIONS, LOGIN)
    assert response.get_json() == {"error": FAILED}


def test_remove_someone_elses_passkey_is_404(signed_in, make_user):
    _, cred = add_passkey(make_user(unique_email("other")))
    assert post_form(signed_in, f"/account/passkeys/{cred.id}/remove").status_code == 404
    assert (
        post_form(signed_in, f"/account/passkeys/{cred.id}/rename", {"name": "x"}).status_code
        == 404
    )
    assert fresh(cred) is not None


def test_remove_asks_for_a_recent_factor(app, signed_in, user):
    if "accounts.confirm_identity" not in app.view_functions:
        pytest.skip("the identity-confirmation page comes with the TOTP branch")
    _, cred = add_passkey(user)
    set_proof(signed_in, 10 * 24 * 3600)
    response = post_form(signed_in, f"/account/passkeys/{cred.id}/remove")
    assert response.status_code == 302
    assert "/account/confirm" in response.headers["Location"]
    assert len(passkeys_of(user)) == 1


@pytest.fixture
def mfa_required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", "grants_manager")


def test_the_last_factor_of_a_required_role_stays(client, make_user, mfa_required):
    manager = make_user(unique_email("gm"), roles=("grants_manager",))
    english(client)
    login(client, manager.email)
    set_proof(client, 0)
    _, first = add_passkey(manager, "One")
    refused = post_form(client, f"/account/passkeys/{first.id}/remove", follow_redirects=True)
    assert "Your role requires a second factor" in refused.get_data(as_text=True)
    assert len(passkeys_of(manager)) == 1
    assert audit("webauthn_credential.removed") == []
    add_passkey(manager, "Two")
    assert post_form(client, f"/account/passkeys/{first.id}/remove").status_code == 302
    assert [c.name for c in passkeys_of(manager)] == ["Two"]


def test_an_applicant_may_remove_the_last_passkey(signed_in, user, mfa_required):
    _, cred = add_passkey(user)
    set_proof(signed_in, 0)
    post_form(signed_in, f"/account/passkeys/{cred.id}/remove")
    assert passkeys_of(user) == []


def test_the_profile_links_to_passkeys(signed_in):
    assert 'href="/account/passkeys"' in signed_in.get("/account").get_data(as_text=True)


# --- languages -------------------------------------------------------------------------------


def _translated(app, text: str) -> bool:
    with app.test_request_context("/"), force_locale("es"):
        return gettext(text) != text


def test_messages_in_spanish(app, client, make_user):
    if not _translated(app, FAILED):
        pytest.skip(
            "the Spanish catalogue is merged by the coordinator (/tmp/helpers/passkeys.tsv)"
        )
    spanish = make_user(unique_email("es"), locale="es")
    login(client, spanish.email)
    page = client.get("/account/passkeys").get_data(as_text=True)
    assert "Agregar una llave de acceso" in page
    response = post_json(client, REGISTER_OPTIONS, {"name": ""})
    assert response.get_json() == {"error": "Asigne un nombre a esta llave de acceso."}


def test_messages_in_english(client, make_user):
    english_user = make_user(unique_email("en"), locale="en")
    login(client, english_user.email)
    assert "Add a passkey" in client.get("/account/passkeys").get_data(as_text=True)
    response = post_json(client, REGISTER_OPTIONS, {"name": ""})
    assert response.get_json() == {"error": "Please give this passkey a name."}


# --- the partials the TOTP pages include -----------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "options_url", "verify_url"),
    [
        ("confirm", CONFIRM_OPTIONS, CONFIRM),
        ("second_step", SECOND_STEP_OPTIONS, SECOND_STEP),
    ],
)
def test_the_verify_button_posts_to_its_ceremony(app, purpose, options_url, verify_url):
    from flask import render_template

    with app.test_request_context("/?lang=en&next=/account"):
        html = render_template("accounts/_passkey_verify.html", passkey_purpose=purpose)
    assert f'data-options-url="{options_url}"' in html
    assert f'data-verify-url="{verify_url}"' in html
    assert 'data-next="/account"' in html
    assert "Use a passkey or security key" in html
    assert "<script src=" in html and "onclick" not in html


def test_the_verify_button_follows_the_page(app):
    from flask import render_template

    with app.test_request_context("/login/verify"):
        html = render_template("accounts/_passkey_verify.html")
    assert f'data-verify-url="{SECOND_STEP}"' in html
