"""Flask-Login wiring over server-side sessions (issue 17).

The signed cookie carries ``<user id>:<session key>``; the key names a row of ``user_sessions``
(portal/accounts/sessions.py, which stores only the key's SHA-256). Every request looks the row
up: a missing, revoked or expired row, or an inactive user, refuses the cookie, so logging out,
"sign out other sessions", a password change, deactivation or an administrator end a session at
once, copies of the cookie included.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user, login_user, logout_user

from portal.accounts import sessions
from portal.core.db import db, now_utc
from portal.core.text import as_id
from portal.core.unit_of_work import SAFE_METHODS, record_read
from portal.extensions import login_manager

# Flask-Login keeps the value it loads the user from under this session key.
_COOKIE_FIELD = "_user_id"
# The live row of this request (set by load_user and start_session).
_G_ROW = "user_session"


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
    # Flask-Login's "strong" mode trusts X-Forwarded-For; the server-side row does the job.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)


def load_user(cookie_id: str):
    """The user of a live session row named by the cookie, or None (signed out)."""
    user_id, _, key = (cookie_id or "").partition(":")
    uid = as_id(user_id)
    if uid is None or not key:
        return None
    now = now_utc()
    found = sessions.find_live(uid, key, now)
    if found is None:
        return None
    row, user = found
    if not user.is_active:
        return None
    g.user_session = row
    # At most once every SESSION_TOUCH_SECONDS; a GET must then commit that one write.
    if sessions.touch(row, now) and request.method in SAFE_METHODS:
        record_read()
    return user


def current_session():
    """The live session row of this request, or None (anonymous, or outside a request)."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return g.get(_G_ROW)


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
    step-up clock (:func:`factor_verified_at`). A session this browser already had ends.
    """
    previous = current_session()
    _fresh_session()
    if user.locale:
        session["lang"] = user.locale  # the saved preference wins at login
    session.permanent = True
    if previous is not None:
        sessions.end(previous, reason=sessions.RENEWED)
    row, key = sessions.create(user, method=method)
    login_user(user, remember=False, fresh=True)
    session[_COOKIE_FIELD] = f"{user.id}:{key}"
    g.user_session = row
    from portal.accounts.mfa_policy import has_second_factor

    # For an account without a second factor, the password it just gave is the strongest
    # proof it has: the step-up clock starts now too.
    if factor_verified or not has_second_factor(user):
        confirm_factor()
    from portal.accounts.devices import note_sign_in  # devices import models: not at load

    note_sign_in(user)


def renew_session() -> None:
    """Give this browser a new session key (a new row with the same sign-in time, method and
    factor) and end the old row: a copy of the cookie taken before stops working. "Sign out
    every other session" does this too, as the old "log out everywhere" did."""
    previous = current_session()
    if previous is None:
        return
    user = current_user._get_current_object()
    row, key = sessions.create(user, method=previous.method)
    row.created_dt = previous.created_dt
    row.factor_dt = previous.factor_dt
    sessions.end(previous, reason=sessions.RENEWED)
    session[_COOKIE_FIELD] = f"{user.id}:{key}"
    g.user_session = row
    db.session.flush()


def factor_verified_at():
    """When this session last proved a second factor (aware UTC datetime), or None."""
    row = current_session()
    return row.factor_dt if row is not None else None


def confirm_factor() -> None:
    """Record that the user has just proven a second factor in this session."""
    row = current_session()
    if row is None:
        raise RuntimeError("confirm_factor() needs a signed-in session")
    row.factor_dt = now_utc()
    db.session.flush()


def revoke_sessions(user, *, reason: str, keep_current: bool = False) -> int:
    """End every live session of ``user`` (all but this browser's when ``keep_current``);
    returns how many ended. Audited as one ``user_session.revoked`` entry."""
    current = current_session()
    keep = current.id if keep_current and current is not None else None
    if current is not None and current.user_id != user.id:
        keep = None
    return sessions.revoke_all(user, reason=reason, except_id=keep)


def end_session() -> None:
    """Log out this browser: its session row ends, and everything else stored in the cookie."""
    row = current_session()
    if row is not None:
        sessions.end(row, reason=sessions.LOGOUT)
    logout_user()
    g.pop(_G_ROW, None)
    _fresh_session()
