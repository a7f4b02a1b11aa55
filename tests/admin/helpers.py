"""Helpers for the administration, audit and mail tests."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.db import db


def english(client) -> None:
    """Read pages in English (the source language) whatever the catalogues say."""
    client.get("/?lang=en")


def reload_user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def audit_entries(action: str, object_id=None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(stmt))
