"""Read-only queries behind the metrics: bounded, indexed, one statement each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from portal.audit.models import AuditCheck
from portal.core.db import db
from portal.mail.models import OutboxMessage

OUTBOX_STATES = ("pending", "failed")


def outbox_counts() -> dict[str, int]:
    """Pending and failed e-mails (``ix_outbox_messages_status``)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(OUTBOX_STATES))
        .group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def audit_chain_state() -> tuple[datetime | None, bool | None]:
    """When the hash chain was last found intact, and whether the latest check found it so.

    ``flask audit verify`` (and the administrators' "check now") keep each result in
    ``audit_checks``; that table is what every web instance reads, so the gauge does not depend
    on which machine ran the check."""
    latest_ok = select(func.max(AuditCheck.checked_dt)).where(AuditCheck.ok.is_(True))
    latest = select(AuditCheck.ok).order_by(AuditCheck.id.desc()).limit(1)
    verified_at, last_ok = db.session.execute(
        select(latest_ok.scalar_subquery(), latest.scalar_subquery())
    ).one()
    if isinstance(verified_at, str):  # SQLite's max() hands back the stored text
        verified_at = datetime.fromisoformat(verified_at)
    if verified_at is not None and verified_at.tzinfo is None:
        from datetime import UTC

        verified_at = verified_at.replace(tzinfo=UTC)
    return verified_at, None if last_ok is None else bool(last_ok)
