"""Row builders for users: shared by the demo seed (``portal.demo``) and the tests' factories.

A builder inserts the rows directly with keyword defaults, flushes and never commits (the seed's
CLI commits once; a test factory commits its savepoint). It writes no audit entry and sends no
e-mail: it is set-up, not a user action.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from portal.accounts.models import User
from portal.core.db import db, now_utc


def build_user(
    email: str,
    full_name: str,
    *,
    password_hash: str | None = None,
    roles: Iterable[str] = ("applicant",),
    verified: bool = True,
    locale: str = "es",
    timezone: str = "America/Mexico_City",
    active: bool = True,
    password_changed_dt: datetime | None = None,
) -> User:
    """A user with ``roles``; ``verified`` marks the e-mail address as confirmed now."""
    user = User(
        email=email.lower(),
        full_name=full_name,
        password_hash=password_hash,
        email_verified_dt=now_utc() if verified else None,
        password_changed_dt=password_changed_dt,
        locale=locale,
        timezone=timezone,
        is_active=active,
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user
