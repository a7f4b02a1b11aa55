"""Helpers for the accounts tests: audit lookups, links in e-mails, language."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.db import db

_LINK = re.compile(r"https?://\S+")


def unique_email(prefix: str = "user") -> str:
    """A fresh address per call (tests must not depend on other tests' rows)."""
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.org"


def english(client) -> None:
    """Pin the anonymous session to English so assertions do not depend on translations."""
    client.get("/?lang=en")


def audit(action: str, object_id=None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return db.session.scalars(stmt).all()


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def live_sessions(user: User) -> list:
    """The user's live server-side sessions (portal/accounts/sessions.py), freshly read."""
    from portal.accounts import sessions

    db.session.expire_all()
    return sessions.live_sessions(user)


def link_in(message, path: str) -> str:
    """The absolute link containing ``path`` in an outbox message."""
    links = [m for m in _LINK.findall(message.body_text) if path in m]
    assert links, f"no link with {path!r} in:\n{message.body_text}"
    return links[0]


def relative(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def normalised_body(response, *emails: str) -> str:
    """The page with the per-request CSRF token and the typed e-mail blanked out."""
    body = response.get_data(as_text=True)
    body = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', 'name="csrf_token"', body)
    for email in emails:
        body = body.replace(email, "EMAIL")
    return body
