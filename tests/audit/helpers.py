"""Creating audit entries directly (sealed into the chain at commit)."""

from __future__ import annotations

from datetime import datetime

from portal.audit.models import AuditEntry
from portal.audit.operations import record
from portal.core.db import db


def add_entry(
    action: str = "user.profile_updated",
    *,
    object_type: str = "user",
    object_id=1,
    user=None,
    organisation_id: int | None = None,
    changes: dict | None = None,
    when: datetime | None = None,
    ip: str | None = None,
    request_id: str | None = None,
) -> AuditEntry:
    entry = record(
        action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        user=user,
        organisation_id=organisation_id,
    )
    if when is not None:
        entry.created_dt = when
    entry.ip, entry.request_id = ip, request_id
    db.session.commit()
    return entry
