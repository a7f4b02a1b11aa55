"""Helpers for the passkey tests: JSON posts like static/js/passkeys.js, stored credentials."""

from __future__ import annotations

import json

from portal.accounts.factor_models import WebAuthnCredential
from portal.accounts.models import User
from portal.core.db import db
from tests.support.forms import csrf_token
from tests.support.soft_authenticator import SoftAuthenticator, b64url

REGISTER_OPTIONS = "/account/passkeys/register/options"
REGISTER = "/account/passkeys/register"
SECOND_STEP_OPTIONS = "/login/verify/passkey/options"
SECOND_STEP = "/login/verify/passkey"
CONFIRM_OPTIONS = "/account/confirm/passkey/options"
CONFIRM = "/account/confirm/passkey"
LOGIN_OPTIONS = "/login/passkey/options"
LOGIN = "/login/passkey"


def post_json(client, url: str, body: dict | None = None):
    """POST JSON with the CSRF token in the X-CSRFToken header, as the browser script does."""
    return client.post(
        url,
        data=json.dumps(body or {}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(client, "/")},
    )


def add_passkey(
    user, name: str = "Laptop", authenticator: SoftAuthenticator | None = None
) -> tuple[SoftAuthenticator, WebAuthnCredential]:
    """Store a credential for ``user`` directly (as a past registration would have)."""
    authenticator = authenticator or SoftAuthenticator()
    user = db.session.get(User, user.id)  # the caller's copy may be detached
    if not user.webauthn_handle:
        user.webauthn_handle = b64url(authenticator.credential_id + bytes(32))
    authenticator.user_handle = user.webauthn_handle
    cred = WebAuthnCredential(
        user_id=user.id,
        credential_id=authenticator.id,
        public_key=authenticator.cose_public_key(),
        sign_count=0,
        name=name,
        transports="internal",
        discoverable=True,
    )
    db.session.add(cred)
    db.session.commit()
    return authenticator, cred


def fresh(cred: WebAuthnCredential) -> WebAuthnCredential | None:
    """The credential as stored now (objects held across requests are detached)."""
    db.session.expire_all()
    return db.session.get(WebAuthnCredential, cred.id)


def register(client, authenticator: SoftAuthenticator, name: str = "Laptop", **forge):
    """The whole registration ceremony; returns the verification response."""
    options = post_json(client, REGISTER_OPTIONS, {"name": name})
    assert options.status_code == 200, options.get_json()
    answer = authenticator.create(options.get_json(), **forge)
    return post_json(client, REGISTER, {"name": name, "credential": answer})


def authenticate(
    client, authenticator: SoftAuthenticator, options_url: str, url: str, next_url="", **forge
):
    """An authentication ceremony (options, then the signed answer)."""
    options = post_json(client, options_url, {"next": next_url})
    assert options.status_code == 200, options.get_json()
    answer = authenticator.get(options.get_json(), **forge)
    return post_json(client, url, {"credential": answer, "next": next_url})
