"""Passkeys and security keys (WebAuthn, issue 17): register, name, rename, remove, and use them
as a second factor or to sign in without a password.

The ceremonies are py_webauthn's; this module keeps the relying party's side: the challenge of
each ceremony lives in this browser's (signed) session, for one use and ``CHALLENGE_SECONDS``;
a credential is looked up by its id and must belong to the expected user; its signature counter
must grow (unless the authenticator keeps none). Every refusal is a :class:`PasskeyError` whose
``message`` is translated and safe to show. Operations flush; the request's unit of work commits.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal.accounts.events import announce
from portal.accounts.factor_models import TotpFactor, WebAuthnCredential
from portal.accounts.mfa_policy import second_factor_required
from portal.accounts.models import User
from portal.accounts.operations import AccountError
from portal.core.db import db, now_utc

CHALLENGE_SECONDS = 300
NAME_MAX = 60
#: The ceremonies whose challenge a session can hold (one of each at a time).
PURPOSES = ("register", "second_step", "confirm", "sign_in")
_KNOWN_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)


class PasskeyError(AccountError):
    """A refused passkey ceremony or change; ``message`` is translated."""


def _failed() -> PasskeyError:
    # One answer for a bad signature, a wrong origin or RP, a replay, an unknown credential or
    # an account that may not sign in: nothing tells an attacker which check refused.
    return PasskeyError(_("The passkey could not be verified. Please try again."))


# --- the relying party -----------------------------------------------------------------


def rp_id() -> str:
    """WEBAUTHN_RP_ID, or the host this request was made to (without the port)."""
    return current_app.config.get("WEBAUTHN_RP_ID") or urlsplit(request.host_url).hostname or ""


def expected_origin() -> str:
    """WEBAUTHN_ORIGIN, or this request's scheme and host (``http://localhost:5000``)."""
    return current_app.config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")


def user_handle(user: User) -> bytes:
    """The user's opaque WebAuthn handle (64 random bytes), created on first use."""
    if not user.webauthn_handle:
        user.webauthn_handle = bytes_to_base64url(secrets.token_bytes(64))
        db.session.flush()
    return base64url_to_bytes(user.webauthn_handle)


# --- challenges: one per purpose, single use, short-lived ------------------------------


def _key(purpose: str) -> str:
    assert purpose in PURPOSES, purpose
    return f"_webauthn_{purpose}"


def _remember(purpose: str, challenge: bytes, user: User | None) -> None:
    session[_key(purpose)] = {
        "challenge": bytes_to_base64url(challenge),
        "at": now_utc().timestamp(),
        "uid": user.id if user is not None else None,
    }


def _take(purpose: str, user: User | None) -> bytes:
    """The challenge issued for ``purpose`` (and ``user``), removed from the session."""
    data = session.pop(_key(purpose), None)
    if not isinstance(data, dict) or not data.get("challenge"):
        raise PasskeyError(_("This request has expired. Please try again."))
    if now_utc().timestamp() - float(data.get("at", 0)) > CHALLENGE_SECONDS:
        raise PasskeyError(_("This request has expired. Please try again."))
    if data.get("uid") != (user.id if user is not None else None):
        raise _failed()
    return base64url_to_bytes(data["challenge"])


# --- listing and names -------------------------------------------------------------------


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    stmt = (
        select(WebAuthnCredential)
        .where(WebAuthnCredential.user_id == user.id)
        .order_by(WebAuthnCredential.created_dt, WebAuthnCredential.id)
    )
    return list(db.session.scalars(stmt))


def owned_passkey(user: User, credential_pk) -> WebAuthnCredential | None:
    """The user's own credential with this row id, or None (another user's is None too)."""
    cred = db.session.get(WebAuthnCredential, credential_pk) if credential_pk else None
    return cred if cred is not None and cred.user_id == user.id else None


def clean_name(user: User, name, *, current: WebAuthnCredential | None = None) -> str:
    """A required name of at most 60 characters, unique (ignoring case) among the user's keys."""
    text = " ".join(str(name or "").split())
    if not text:
        raise PasskeyError(_("Please give this passkey a name."), "name")
    if len(text) > NAME_MAX:
        raise PasskeyError(_("The name can have at most %(n)d characters.", n=NAME_MAX), "name")
    stmt = select(WebAuthnCredential.id).where(
        WebAuthnCredential.user_id == user.id,
        func.lower(WebAuthnCredential.name) == text.lower(),
    )
    if current is not None:
        stmt = stmt.where(WebAuthnCredential.id != current.id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise PasskeyError(_("You already have a passkey with this name."), "name")
    return text


# --- registration --------------------------------------------------------------------------


def registration_options(user: User, name=None) -> dict:
    """Options for ``navigator.credentials.create()`` (the JSON form), challenge remembered.

    When ``name`` is given it is checked first, so a bad name is refused before the user
    touches their key.
    """
    if name is not None:
        clean_name(user, name)
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_app.config["MFA_ISSUER"],
        user_name=user.email,
        user_id=user_handle(user),
        user_display_name=user.full_name or user.email,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(cred) for cred in passkeys_of(user)],
    )
    _remember("register", options.challenge, user)
    data = json.loads(options_to_json(options))
    # Ask the browser whether the new credential is discoverable (a "resident key").
    data["extensions"] = {"credProps": True}
    return data


def register(user: User, credential, name) -> WebAuthnCredential:
    """Verify the browser's answer to :func:`registration_options` and store the credential."""
    label = clean_name(user, name)
    challenge = _take("register", user)
    if not isinstance(credential, dict):
        raise _failed()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        current_app.logger.info("passkey registration refused: %s", exc)
        raise _failed() from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    taken = select(WebAuthnCredential.id).where(WebAuthnCredential.credential_id == credential_id)
    if db.session.scalar(taken) is not None:
        raise PasskeyError(_("This passkey is already registered."))
    cred = WebAuthnCredential(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=label,
        transports=_transports(credential),
        discoverable=_is_resident(credential),
        created_dt=now_utc(),
    )
    db.session.add(cred)
    db.session.flush()
    announce("webauthn_credential.registered", cred, user=user, changes=cred.audit_fields())
    _notify(user, "second_factor_added", cred)
    db.session.flush()
    return cred


def _transports(credential: dict) -> str:
    response = credential.get("response")
    values = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(values, list):
        return ""
    known = [v for v in values if isinstance(v, str) and v in _KNOWN_TRANSPORTS]
    return ",".join(dict.fromkeys(known))[:120]


def _is_resident(credential: dict) -> bool:
    results = credential.get("clientExtensionResults")
    props = results.get("credProps") if isinstance(results, dict) else None
    return isinstance(props, dict) and props.get("rk") is True


def _descriptor(cred: WebAuthnCredential) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in cred.transports.split(",") if t]
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(cred.credential_id), transports=transports or None
    )


# --- authentication ------------------------------------------------------------------------


def authentication_options(purpose: str, user: User | None = None) -> dict:
    """Options for ``navigator.credentials.get()``.

    With ``user`` (second step of a sign-in, identity confirmation) only their credentials are
    allowed; without (passwordless sign-in) the authenticator offers its discoverable
    credentials, and it must verify the user (PIN, biometrics).
    """
    if user is not None:
        creds = passkeys_of(user)
        if not creds:
            raise PasskeyError(_("You have no passkey registered."))
        options = generate_authentication_options(
            rp_id=rp_id(),
            allow_credentials=[_descriptor(cred) for cred in creds],
            user_verification=UserVerificationRequirement.PREFERRED,
        )
    else:
        options = generate_authentication_options(
            rp_id=rp_id(),
            allow_credentials=[],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
    _remember(purpose, options.challenge, user)
    return json.loads(options_to_json(options))


def authenticate(purpose: str, credential, user: User | None = None) -> WebAuthnCredential:
    """Verify the browser's answer to :func:`authentication_options`; returns the credential
    used (its ``user_id`` is who proved it), with its counter and last use updated."""
    challenge = _take(purpose, user)
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str):
        raise _failed()
    stmt = select(WebAuthnCredential).where(WebAuthnCredential.credential_id == credential["id"])
    cred = db.session.scalar(stmt.with_for_update())
    if cred is None or (user is not None and cred.user_id != user.id):
        raise _failed()
    if user is None and not _handle_matches(cred, credential):
        raise _failed()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
            credential_public_key=cred.public_key,
            credential_current_sign_count=cred.sign_count,
            require_user_verification=user is None,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        current_app.logger.info("passkey authentication refused: %s", exc)
        raise _failed() from exc
    cred.sign_count = verified.new_sign_count
    cred.last_used_dt = now_utc()
    db.session.flush()
    return cred


def _handle_matches(cred: WebAuthnCredential, credential: dict) -> bool:
    """A discoverable credential answers with its user handle: it must be its owner's."""
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if not handle:
        return True  # optional in the response; the signature still binds the credential
    owner = db.session.get(User, cred.user_id)
    return bool(owner and owner.webauthn_handle) and handle == owner.webauthn_handle


def sign_in_user(credential) -> User:
    """Passwordless sign-in: the active, verified owner of the discoverable credential."""
    cred = authenticate("sign_in", credential)
    user = db.session.get(User, cred.user_id)
    if user is None or not user.is_active or not user.is_verified:
        raise _failed()
    return user


# --- changes ---------------------------------------------------------------------------------


def rename(user: User, cred: WebAuthnCredential, name) -> None:
    before = cred.name
    cred.name = clean_name(user, name, current=cred)
    if cred.name != before:
        announce(
            "webauthn_credential.renamed", cred, user=user, changes={"name": [before, cred.name]}
        )
    db.session.flush()


def can_remove(user: User, cred: WebAuthnCredential) -> bool:
    """False when this is the last second factor of a user whose role requires one."""
    if not second_factor_required(user):
        return True
    totp = select(TotpFactor.id).where(
        TotpFactor.user_id == user.id, TotpFactor.confirmed_dt.is_not(None)
    )
    if db.session.scalar(totp.limit(1)) is not None:
        return True
    others = select(func.count(WebAuthnCredential.id)).where(
        WebAuthnCredential.user_id == user.id, WebAuthnCredential.id != cred.id
    )
    return bool(db.session.scalar(others))


def remove(user: User, cred: WebAuthnCredential) -> None:
    if not can_remove(user, cred):
        raise PasskeyError(
            _(
                "Your role requires a second factor: add another passkey or an authenticator "
                "app before removing this one."
            )
        )
    announce("webauthn_credential.removed", cred, user=user, changes=cred.audit_fields())
    _notify(user, "second_factor_removed", cred)
    db.session.delete(cred)
    db.session.flush()


# --- e-mail ----------------------------------------------------------------------------------


def _notify(user: User, template: str, cred: WebAuthnCredential) -> None:
    from portal.accounts import factor_operations

    # Lazy: rendered in the recipient's language by queue_email.
    label = _l("passkey or security key “%(name)s”", name=cred.name)
    if template == "second_factor_added":
        factor_operations.notify_factor_added(user, label)
    else:
        factor_operations.notify_factor_removed(user, label)
