"""Known devices (issue 17): the browsers a user has signed in from.

A browser gets a long-lived random cookie (``cofinancia_device``) at its first sign-in; the
table keeps only its SHA-256 per (user, device), so a copy of the table names no browser. A
sign-in from a browser the account does not know yet records it, and, unless it is the
account's very first device, e-mails the user about "a sign-in from a new device". A known
device is also spared the account-wide sign-in slow-down (portal/accounts/throttle.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import after_this_request, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.events import announce
from portal.accounts.models import User
from portal.accounts.operations import normalise_email
from portal.accounts.session_models import KnownDevice
from portal.core.db import db, now_utc
from portal.core.urls import external_url
from portal.mail.operations import email_user

COOKIE_NAME = "cofinancia_device"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers accept
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


# --- the cookie ------------------------------------------------------------------------


def _cookie_token() -> str | None:
    """This browser's device token, if it carries a well-formed one."""
    value = request.cookies.get(COOKIE_NAME, "")
    return value if _TOKEN.match(value) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _give_cookie(token: str) -> None:
    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
        return response


# --- queries ---------------------------------------------------------------------------


def is_known_device(email: str | None) -> bool:
    """Whether this browser is a known device of the account with the typed address.

    One query, the same whether the address has an account or not (none without a cookie).
    """
    token = _cookie_token()
    if token is None:
        return False
    found = db.session.scalar(
        select(KnownDevice.id)
        .join(User, User.id == KnownDevice.user_id)
        .where(User.email == normalise_email(email), KnownDevice.key_hash == _digest(token))
        .limit(1)
    )
    return found is not None


def _device(user: User, digest: str) -> KnownDevice | None:
    return db.session.scalar(
        select(KnownDevice).where(KnownDevice.user_id == user.id, KnownDevice.key_hash == digest)
    )


def _has_devices(user: User) -> bool:
    found = db.session.scalar(select(KnownDevice.id).where(KnownDevice.user_id == user.id).limit(1))
    return found is not None


# --- the user agent in plain words -------------------------------------------------------


def describe_user_agent(user_agent: str | None) -> tuple[str, str]:
    """(browser, system) in plain words, e.g. ("Firefox", "Windows"), ("Mobile Safari",
    "iOS, iPhone"); "" for what the string does not tell. Product names need no translation."""
    from ua_parser import parse  # compiles its patterns on first use: only when needed

    result = parse((user_agent or "")[:500])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    device = result.device.family if result.device else ""
    browser = "" if browser == "Other" else browser
    system = "" if system == "Other" else system
    if device and system and device not in _VAGUE_DEVICES and device not in system:
        system = f"{system}, {device}"
    return browser, system


_VAGUE_DEVICES = {"Other", "Generic Smartphone", "Generic Feature Phone", "Mac", "Spider"}


# --- the operation ---------------------------------------------------------------------


def note_sign_in(user: User) -> KnownDevice:
    """Record the browser signing in as ``user`` (called by ``session_auth.start_session``).

    A known device only has its "last seen" updated. An unknown one is recorded (and given
    the cookie if it has none), audited as ``user.new_device``, and the user is e-mailed when
    it is not their first device.
    """
    token = _cookie_token()
    if token is not None:
        device = _device(user, _digest(token))
        if device is not None:
            device.last_seen_dt = now_utc()
            db.session.flush()
            return device
    first = not _has_devices(user)
    if token is None:
        token = secrets.token_urlsafe(32)
        _give_cookie(token)
    user_agent = request.user_agent.string or ""
    device = KnownDevice(user_id=user.id, key_hash=_digest(token), user_agent=user_agent[:300])
    try:
        with db.session.begin_nested():  # the same browser signing in twice at once
            db.session.add(device)
    except IntegrityError:
        return _device(user, _digest(token))
    browser, system = describe_user_agent(user_agent)
    announce(
        "user.new_device",
        user,
        user=user,
        changes={"browser": browser, "system": system, "first_device": first},
    )
    if not first:
        _tell_user(user, device, browser, system)
    db.session.flush()
    return device


def _sessions_url() -> str:
    if "accounts.sessions" in current_app.view_functions:
        return external_url("accounts.sessions")
    return current_app.config["BASE_URL"].rstrip("/") + "/account/sessions"


def _tell_user(user: User, device: KnownDevice, browser: str, system: str) -> None:
    email_user(
        "new_device_sign_in",
        user,
        signed_in_dt=device.created_dt,
        browser=browser,
        system=system,
        address=request.remote_addr or "",
        password_url=external_url("accounts.change_password"),
        sessions_url=_sessions_url(),
    )
