"""Writing audit entries. Call ``record`` from operations; the entry is chained at commit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import Flask, current_app, has_request_context
from flask_login import current_user

from portal.audit.actions import ACTIONS
from portal.audit.chain import add_pending
from portal.audit.models import AuditEntry
from portal.core.db import db, now_utc
from portal.core.requests import client_ip, current_request_id

SECRET_FIELDS = frozenset(
    {"password", "password_hash", "session_token", "token", "token_hash", "secret", "clabe"}
)
REDACTED = "[redacted]"
_ORGANISATION_OF_REQUEST = "audit.organisation_of_request"


def use_organisation_of_request(app: Flask, resolver) -> None:
    """Entries written during a request without an organisation get ``resolver()`` (the one
    the user acts for). The organisations domain registers it at app set-up: audit sits below
    organisations and does not import it."""
    app.extensions[_ORGANISATION_OF_REQUEST] = resolver


def _organisation_of_request() -> int | None:
    resolver = current_app.extensions.get(_ORGANISATION_OF_REQUEST)
    return resolver() if resolver is not None else None


def jsonable(value):
    """Reduce a value to JSON primitives with a stable text form (money stays exact)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def redact(changes: dict) -> dict:
    return {k: (REDACTED if k in SECRET_FIELDS else v) for k, v in changes.items()}


def diff(before: dict, after: dict) -> dict:
    """Field-level before/after pairs for the fields that changed."""
    keys = set(before) | set(after)
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))]
        for k in sorted(keys)
        if before.get(k) != after.get(k)
    }


def record(
    action: str,
    obj=None,
    *,
    object_type: str | None = None,
    object_id=None,
    changes: dict | None = None,
    organisation_id: int | None = None,
    user=None,
) -> AuditEntry:
    """Queue an audit entry in the current transaction (sealed into the chain at commit)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or getattr(obj, "audit_type", obj.__tablename__)
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    actor = user if user is not None else _current_actor()
    if organisation_id is None and has_request_context():
        organisation_id = _organisation_of_request()
    entry = AuditEntry(
        created_dt=now_utc(),
        user_id=getattr(actor, "id", None),
        organisation_id=organisation_id,
        action=action,
        object_type=object_type or "system",
        object_id=None if object_id is None else str(object_id),
        changes=jsonable(redact(changes or {})),
        ip=client_ip() if has_request_context() else None,
        request_id=current_request_id(),
    )
    add_pending(db.session(), entry)
    return entry


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None
