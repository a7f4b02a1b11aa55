"""Authenticator-app codes (TOTP, RFC 6238) for the second factor (issue 17).

The shared secret is 160 random bits (base32, as authenticator apps expect). At rest it is
encrypted with Fernet under a key derived from SECRET_KEY with HKDF (info ``cofinancia-totp``),
so a copy of the database alone does not give the codes. A code is accepted one time step
either side of now (``valid_window=1``: clocks drift) and never twice: the accepted step is
stored and any step at or before it is refused.

While enrolling, the new secret travels in the set-up form as a Fernet token bound to the user
and valid for ``ENROLMENT_SECONDS``: nothing is written until the first code proves the app
has it.
"""

from __future__ import annotations

import base64
import hmac
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

SECRET_BYTES = 20  # 160 bits, RFC 4226's recommended length
INTERVAL = 30
ENROLMENT_SECONDS = 15 * 60
CODE_DIGITS = 6


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cofinancia-totp").derive(
        current_app.config["SECRET_KEY"].encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """A fresh base32 secret (32 characters, no padding)."""
    return pyotp.random_base32(length=32)


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("ascii")


# --- enrolment token -------------------------------------------------------------------


def enrolment_token(user_id: int, secret: str) -> str:
    """The pending secret, encrypted and bound to the user, for the set-up form."""
    return encrypt(f"{user_id}:{secret}")


def secret_from_enrolment_token(token: str, user_id: int) -> str | None:
    """The secret in ``token`` if it belongs to ``user_id`` and is recent; else None."""
    try:
        raw = _fernet().decrypt(token.encode("ascii"), ttl=ENROLMENT_SECONDS).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        return None
    owner, _, secret = raw.partition(":")
    if not hmac.compare_digest(owner, str(user_id)) or not secret:
        return None
    return secret


# --- codes -----------------------------------------------------------------------------


def looks_like_code(value: str) -> bool:
    """Six digits (spaces already removed): an authenticator code rather than a recovery code."""
    return len(value) == CODE_DIGITS and value.isascii() and value.isdigit()


def normalise(value: str | None) -> str:
    return "".join((value or "").split()).replace("-", "")


def matching_step(secret: str, code: str, *, last_step: int | None, at: float | None = None):
    """The time step ``code`` belongs to (now, or one step either side), or None.

    Steps at or before ``last_step`` are refused: a code works once.
    """
    if not looks_like_code(code):
        return None
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=INTERVAL)
    now = time.time() if at is None else at
    current = int(now // INTERVAL)
    for step in (current - 1, current, current + 1):  # valid_window=1
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# --- what the set-up page shows --------------------------------------------------------


def provisioning_uri(secret: str, account: str) -> str:
    issuer = current_app.config.get("MFA_ISSUER") or "Cofinancia"
    return pyotp.TOTP(secret, digits=CODE_DIGITS, interval=INTERVAL).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four characters, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
