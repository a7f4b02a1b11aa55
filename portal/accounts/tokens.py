"""Signed, expiring tokens for e-mail links (itsdangerous; one salt per purpose).

Verification and reset tokens carry a fingerprint of the current password hash, so they stop
working as soon as the password changes (and a reset token works only once).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_SALT = "cofinancia.verify-email"
RESET_SALT = "cofinancia.reset-password"


class TokenError(Exception):
    """Raised for a bad or expired token; ``expired`` tells which."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(user) -> str:
    """Changes whenever the password hash (or e-mail) changes."""
    material = f"{user.id}|{user.email}|{user.password_hash or ''}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(user, salt: str) -> str:
    return _serializer(salt).dumps({"u": user.id, "f": fingerprint(user)})


def load_token(token: str, salt: str, max_age: int, *, with_time: bool = False):
    """Return the user the token was issued for, or raise TokenError.

    With ``with_time`` return ``(user, issued_at)`` (an aware UTC datetime)."""
    from portal.accounts.models import User
    from portal.core.db import db

    try:
        data, issued = _serializer(salt).loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError() from exc
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not hmac.compare_digest(fingerprint(user), str(data.get("f", ""))):
        raise TokenError()
    return (user, issued) if with_time else user


def email_verification_token(user) -> str:
    return make_token(user, VERIFY_SALT)


def password_reset_token(user) -> str:
    """Also used to let invited staff set their first password."""
    return make_token(user, RESET_SALT)


def load_verification_token(token: str):
    return load_token(token, VERIFY_SALT, current_app.config["VERIFY_TOKEN_MAX_AGE"])


def load_reset_token(token: str):
    """The user a reset link was issued for.

    Ordinary resets expire after RESET_TOKEN_MAX_AGE. Accounts that have no password yet
    (staff invited by an administrator) use the same link to choose their first password, so
    for them it stays valid for INVITE_TOKEN_MAX_AGE.
    """
    cfg = current_app.config
    reset_age, invite_age = cfg["RESET_TOKEN_MAX_AGE"], cfg["INVITE_TOKEN_MAX_AGE"]
    user, issued = load_token(token, RESET_SALT, max(reset_age, invite_age), with_time=True)
    limit = invite_age if user.password_hash is None else reset_age
    if (datetime.now(UTC) - issued).total_seconds() > limit:
        raise TokenError(expired=True)
    return user
