"""Server-side sessions (issue 17): create, find, touch, revoke the rows of ``user_sessions``.

A sign-in creates a row named by the SHA-256 of a random key; the browser's signed cookie carries
``<user id>:<key>`` (portal/accounts/session_auth.py). Every request looks the row up: a revoked
or expired row refuses the cookie at once, even a copy taken before the logout. ``last_seen_dt``
is written at most once every ``SESSION_TOUCH_SECONDS``, with a conditional UPDATE, so browsing
stays read-only almost always and concurrent requests write once.

Revoking validates nothing the caller has not: the views check ownership (another user's session
is a 404) and the administrator's rights. Revocations are audited as ``user_session.revoked``
with their reason (one entry for a whole "revoke all"); a logout and the renewal of this
browser's own session at a new sign-in are audited by the sign-in/logout entries instead.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.events import announce
from portal.accounts.models import User
from portal.accounts.session_models import UserSession
from portal.core.db import db, now_utc
from portal.core.requests import client_ip

KEY_BYTES = 32
USER_AGENT_MAX = 300
ADDRESS_MAX = 45
METHODS = ("password", "passkey")
# Reasons stored in ``revoked_reason`` (at most 32 characters).
LOGOUT = "logout"
RENEWED = "renewed"  # this browser signed in again: its previous row ends
BY_USER = "user"  # the owner ended one session on "Your sessions"
OTHERS = "others"  # "sign out every other session"
PASSWORD = "password"  # a password change or reset
ADMIN = "admin"
DEACTIVATED = "deactivated"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def _touch_every() -> timedelta:
    return timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"])


def create(user, *, method: str = "password", now: datetime | None = None):
    """A new live session for ``user``; returns ``(row, key)``. Only the key's hash is stored:
    put the key in the cookie and forget it."""
    if method not in METHODS:
        raise ValueError(f"unknown sign-in method {method!r}")
    now = now or now_utc()
    key = secrets.token_urlsafe(KEY_BYTES)
    agent = request.user_agent.string if has_request_context() else ""
    row = UserSession(
        user_id=user.id,
        key_hash=hash_key(key),
        method=method,
        created_dt=now,
        last_seen_dt=now,
        expires_dt=now + _lifetime(),
        ip_address=(client_ip() or "")[:ADDRESS_MAX],
        user_agent=(agent or "")[:USER_AGENT_MAX],
    )
    db.session.add(row)
    db.session.flush()
    return row, key


def find_live(user_id: int, key: str, now: datetime | None = None):
    """``(row, user)``: the live session of ``user_id`` named by ``key`` and its user, read in
    one statement (the cost of the user's lookup before sessions lived on the server); None when
    the key is unknown, another user's, revoked or expired."""
    if not key or len(key) > 100:
        return None
    found = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.key_hash == hash_key(key), UserSession.user_id == user_id)
    ).first()
    if found is None or not found[0].is_live(now or now_utc()):
        return None
    return found[0], found[1]


def touch(row: UserSession, now: datetime | None = None) -> bool:
    """Stamp ``last_seen_dt`` when the last stamp is older than ``SESSION_TOUCH_SECONDS``;
    returns whether a write was issued (the caller makes a GET commit it)."""
    now = now or now_utc()
    every = _touch_every()
    if now - row.last_seen_dt < every:
        return False
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.last_seen_dt <= now - every)
        .values(last_seen_dt=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(row, "last_seen_dt", now)
    return True


def live_sessions(user, now: datetime | None = None) -> list[UserSession]:
    """``user``'s live sessions, the most recently seen first."""
    now = now or now_utc()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.revoked_dt.is_(None),
                UserSession.expires_dt > now,
            )
            .order_by(UserSession.last_seen_dt.desc(), UserSession.id.desc())
        )
    )


def end(row: UserSession, *, reason: str, now: datetime | None = None) -> bool:
    """Revoke ``row`` without an audit entry (logout, renewal: audited by their own entries);
    False when it had already ended."""
    now = now or now_utc()
    if not row.is_live(now):
        return False
    row.revoked_dt = now
    row.revoked_reason = reason[:32]
    db.session.flush()
    return True


def revoke(row: UserSession, *, reason: str, actor=None, now: datetime | None = None) -> bool:
    """Revoke one session (audited); False when it had already ended. ``actor`` None: the
    current user."""
    if not end(row, reason=reason, now=now):
        return False
    announce(
        "user_session.revoked",
        row,
        user=actor,
        changes={"reason": reason, "owner_id": row.user_id},
    )
    db.session.flush()
    return True


def revoke_all(
    user, *, reason: str, except_id: int | None = None, actor=None, now: datetime | None = None
) -> int:
    """Revoke every live session of ``user`` but ``except_id``; one audit entry (on the user)
    when any ended. Returns how many ended."""
    now = now or now_utc()
    ended = [
        row.id
        for row in live_sessions(user, now)
        if row.id != except_id and end(row, reason=reason, now=now)
    ]
    if ended:
        announce(
            "user_session.revoked",
            user,
            user=actor,
            changes={"reason": reason, "session_ids": sorted(ended)},
        )
        db.session.flush()
    return len(ended)


def prune(*, keep_days: int = 90, now: datetime | None = None) -> int:
    """Delete session rows that ended (expired or revoked) more than ``keep_days`` ago; the
    audit trail keeps the sign-ins and revocations. Returns how many rows went."""
    cutoff = (now or now_utc()) - timedelta(days=keep_days)
    ended = or_(
        UserSession.expires_dt < cutoff,
        and_(UserSession.revoked_dt.is_not(None), UserSession.revoked_dt < cutoff),
    )
    result = db.session.execute(delete(UserSession).where(ended))
    db.session.flush()
    return result.rowcount or 0


def prune_job(keep_days: int = 90) -> str:
    """Job (CLI ``sessions prune`` and the scheduler): prune and commit."""
    from portal.core.unit_of_work import commit

    removed = prune(keep_days=keep_days)
    commit()
    return f"{removed} ended session(s) deleted."
