"""Flask-Login wiring. The cookie carries ``<user id>:<session token>``; rotating the token
(password change, "log out everywhere") makes every older cookie useless."""

from __future__ import annotations

import hmac

from flask import Flask, session
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, login_user, logout_user

from portal.core.db import db
from portal.core.text import as_id
from portal.extensions import login_manager


class Anonymous(AnonymousUserMixin):
    roles: frozenset = frozenset()
    is_staff = False
    is_admin = False
    locale = None
    timezone = None
    id = None

    def has_role(self, *roles) -> bool:
        return False


def init_app(app: Flask) -> None:
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" mode trusts X-Forwarded-For; the session token does the job.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)


def load_user(cookie_id: str):
    from portal.accounts.models import User

    user_id, _, token = cookie_id.partition(":")
    if as_id(user_id) is None or not token:
        return None
    user = db.session.get(User, as_id(user_id))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def _fresh_session() -> None:
    """Empty the session (new CSRF secret, no fixation) but keep the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user, *, method: str = "password", factor_verified: bool = False) -> None:
    """Log in on a fresh session (no fixation), bounded by PERMANENT_SESSION_LIFETIME.

    ``method`` is how the user signed in ("password" or "passkey"); ``factor_verified`` says a
    second factor was proven for this sign-in (TOTP, recovery code, passkey), which starts the
    step-up clock (:func:`factor_verified_at`).
    """
    _fresh_session()
    if user.locale:
        session["lang"] = user.locale  # the saved preference wins at login
    session.permanent = True
    login_user(user, remember=False, fresh=True)
    from portal.accounts.mfa_policy import has_second_factor

    # For an account without a second factor, the password it just gave is the strongest
    # proof it has: the step-up clock starts now too.
    if factor_verified or not has_second_factor(user):
        confirm_factor()
    from portal.accounts.devices import note_sign_in  # devices import models: not at load

    note_sign_in(user)


# INTERFACE (issue 17), backed by the server-side session row once it exists.
def factor_verified_at():
    """When this session last proved a second factor (aware UTC datetime), or None."""
    from datetime import UTC, datetime

    stamp = session.get("_factor_at")
    return datetime.fromtimestamp(stamp, UTC) if stamp else None


def confirm_factor() -> None:
    """Record that the user has just proven a second factor in this session."""
    from portal.core.db import now_utc

    session["_factor_at"] = now_utc().timestamp()


def revoke_sessions(user, *, reason: str, keep_current: bool = False) -> int:
    """End every live session of ``user`` (all but this browser's when ``keep_current``);
    returns how many ended."""
    raise NotImplementedError


def end_session() -> None:
    """Log out this browser and drop everything else stored in its session."""
    logout_user()
    _fresh_session()
