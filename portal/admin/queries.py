"""Read-side queries for the administration pages (filters -> SELECT statements)."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from portal.accounts.models import User, UserRole
from portal.core.db import db
from portal.mail.models import OutboxMessage
from portal.organisations.models import Membership, Organisation


def like_pattern(text: str) -> str:
    """A case-insensitive "contains" pattern with LIKE wildcards escaped (escape char: \\)."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def user_search(q: str = "", role: str = "", status: str = "") -> Select:
    stmt = select(User).order_by(func.lower(User.full_name), User.id)
    if q.strip():
        pattern = like_pattern(q)
        stmt = stmt.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
            )
        )
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    if status == "active":
        stmt = stmt.where(User.is_active.is_(True), User.password_hash.is_not(None))
    elif status == "invited":
        stmt = stmt.where(User.is_active.is_(True), User.password_hash.is_(None))
    elif status == "deactivated":
        stmt = stmt.where(User.is_active.is_(False))
    return stmt


def memberships_of(user_id: int) -> list:
    """(membership, organisation name) pairs for the user page, in one statement."""
    stmt = (
        select(Membership, Organisation.legal_name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.legal_name)
    )
    return list(db.session.execute(stmt).all())


def outbox_list(status: str = "") -> Select:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return stmt
