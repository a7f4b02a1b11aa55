"""The step between a correct password and a proven second factor (issue 17).

After the password, a user with a second factor is not signed in: this browser's (signed)
session holds only who is half-way, since when and where to go next. The second step (an
authenticator code, a recovery code or a passkey: portal/accounts/factor_views.py and
portal/accounts/passkey_views.py) calls :func:`finish`. The pending state lasts
``PENDING_SECONDS`` and allows ``MAX_TRIES`` wrong codes; then the password is asked again.
"""

from __future__ import annotations

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from portal.accounts import session_auth
from portal.accounts.models import User
from portal.core.db import db, now_utc
from portal.core.security import safe_next

KEY = "_pending_login"
PENDING_SECONDS = 300
MAX_TRIES = 5


def begin(user: User, next_url: str | None) -> None:
    """Remember that ``user`` gave the right password; the second step comes next."""
    session[KEY] = {"uid": user.id, "at": now_utc().timestamp(), "next": next_url or "", "tries": 0}


def pending_user() -> User | None:
    """The user half-way through signing in on this browser, or None (none, expired, gone)."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return None
    if now_utc().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        clear()
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active:
        clear()
        return None
    return user


def failed_try() -> bool:
    """Count a wrong code; False (and the pending state dropped) once MAX_TRIES is reached."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return False
    tries = int(data.get("tries", 0)) + 1
    if tries >= MAX_TRIES:
        clear()
        return False
    session[KEY] = {**data, "tries": tries}
    return True


def clear() -> None:
    session.pop(KEY, None)


def finish(user: User, *, method: str) -> Response:
    """The second factor is proven: sign in on a fresh session and go where the user wanted.

    ``method`` names the factor ("totp", "recovery_code", "passkey") for the audit entry.
    """
    from portal.accounts import operations as ops

    data = session.get(KEY) or {}
    target = data.get("next") if isinstance(data, dict) else None
    clear()
    session_auth.start_session(user, factor_verified=True)
    ops.record_login(user, factor=method)
    return redirect(safe_next(target, url_for("dashboard.dashboard")))
