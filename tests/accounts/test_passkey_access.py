"""Access matrix for every passkey route, as all seven personas.

The ceremonies' answers are real (a software authenticator per persona), posted as a form with
the credential as a JSON string, which the endpoints accept besides JSON bodies."""

from __future__ import annotations

import json

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
    post_json,
)
from tests.support.matrix import LOGGED_IN, PERSONAS
from tests.support.soft_authenticator import SoftAuthenticator

EVERYONE = set(PERSONAS)


def test_passkeys_page(matrix):
    matrix.check("/account/passkeys", allowed=LOGGED_IN)


def test_registration(matrix):
    matrix.check(REGISTER_OPTIONS, allowed=LOGGED_IN, method="POST", data={"name": "Key"})

    def registration_for(persona):
        if persona == "anonymous":
            return {"name": "Key", "credential": "{}"}
        client = matrix.client(persona)
        options = post_json(client, REGISTER_OPTIONS, {"name": "Key"}).get_json()
        answer = SoftAuthenticator().create(options)
        return {"name": "Key", "credential": json.dumps(answer)}

    matrix.check(REGISTER, allowed=LOGGED_IN, method="POST", data_for=registration_for)


def test_confirmation(matrix, personas):
    for persona in LOGGED_IN:  # signed in before the keys exist: no second step at sign-in
        assert matrix.client(persona).get("/account").status_code == 200
    keys = {p: add_passkey(personas[p])[0] for p in LOGGED_IN}
    matrix.check(CONFIRM_OPTIONS, allowed=LOGGED_IN, method="POST")

    def assertion_for(persona):
        if persona == "anonymous":
            return {"credential": "{}"}
        options = post_json(matrix.client(persona), CONFIRM_OPTIONS).get_json()
        return {"credential": json.dumps(keys[persona].get(options))}

    matrix.check(CONFIRM, allowed=LOGGED_IN, method="POST", data_for=assertion_for)


def test_sign_in_endpoints(matrix):
    # Signed-in users are sent on to their dashboard, like the log-in page does; a visitor
    # without a pending sign-in or a valid answer is refused.
    matrix.check(LOGIN_OPTIONS, allowed=EVERYONE, method="POST")
    matrix.check(LOGIN, allowed=LOGGED_IN, method="POST", data={"credential": "{}"})
    matrix.check(SECOND_STEP_OPTIONS, allowed=LOGGED_IN, method="POST")
    matrix.check(SECOND_STEP, allowed=LOGGED_IN, method="POST", data={"credential": "{}"})
    anonymous = matrix.client("anonymous")
    assert post_json(anonymous, SECOND_STEP_OPTIONS).status_code == 403
    assert post_json(anonymous, LOGIN, {"credential": {}}).status_code == 400


def test_rename_and_remove_only_ones_own(matrix, personas):
    client = matrix.client("applicant")  # signed in first: the session's factor is recent
    assert client.get("/account").status_code == 200
    _, cred = add_passkey(personas["applicant"], "Mine")
    matrix.check(
        f"/account/passkeys/{cred.id}/rename",
        allowed={"applicant"},
        method="POST",
        data={"name": "Still mine"},
    )
    matrix.check(f"/account/passkeys/{cred.id}/remove", allowed={"applicant"}, method="POST")
