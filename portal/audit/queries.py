"""Read-side query for browsing the audit log: filters -> one SELECT with names joined in.

The organisations' names are joined through their table (audit sits below organisations in the
import layers, .importlinter); users are accounts', a layer below."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, func, or_, select

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.db import Base
from portal.core.text import as_id


def _contains(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def day_start(day: date, zone: tzinfo) -> datetime:
    """Midnight of ``day`` in the viewer's zone (dates are typed in local time)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def _organisations():
    return Base.metadata.tables["organisations"]


def audit_search(filters: dict, zone: tzinfo) -> Select:
    """Entries with actor and organisation names, newest first (chain order)."""
    organisations = _organisations()
    stmt = (
        select(AuditEntry, User.full_name, User.email, organisations.c.legal_name)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .outerjoin(organisations, organisations.c.id == AuditEntry.organisation_id)
        .order_by(AuditEntry.id.desc())
    )
    if filters.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == filters["object_type"])
    if filters.get("object_id"):
        stmt = stmt.where(AuditEntry.object_id == filters["object_id"])
    if filters.get("action"):
        stmt = stmt.where(AuditEntry.action == filters["action"])
    if filters.get("user"):
        stmt = stmt.where(_user_clause(filters["user"]))
    if filters.get("organisation"):
        stmt = stmt.where(_organisation_clause(filters["organisation"]))
    if filters.get("date_from"):
        stmt = stmt.where(AuditEntry.created_dt >= day_start(filters["date_from"], zone))
    if filters.get("date_to"):
        end = day_start(filters["date_to"] + timedelta(days=1), zone)
        stmt = stmt.where(AuditEntry.created_dt < end)
    return stmt


def _user_clause(value: str):
    """A full e-mail matches exactly; anything else matches part of the e-mail or name."""
    if "@" in value:
        return User.email == value.lower()
    pattern = _contains(value)
    return or_(
        User.email.like(pattern, escape="\\"),
        func.lower(User.full_name).like(pattern, escape="\\"),
    )


def _organisation_clause(value: str):
    if value.isascii() and value.isdigit():  # an id; one beyond any id matches nothing
        return AuditEntry.organisation_id == (as_id(value) or 0)
    organisations = _organisations()
    return or_(
        organisations.c.rfc == value.upper(),
        func.lower(organisations.c.legal_name).like(_contains(value), escape="\\"),
    )
