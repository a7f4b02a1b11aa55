"""An administrator's tasks: e-mails that were not delivered, failed background jobs,
scheduled tasks whose latest run failed and the audit trail's last check (missing, older than
a week, or broken)."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal import jobs
from portal.audit.models import AuditCheck
from portal.core.db import db, now_utc
from portal.core.i18n import format_dt
from portal.dashboard.tasks.base import SHOWN, Task, TaskGroup, first_rows
from portal.mail.models import OutboxMessage
from portal.scheduler import tasks as scheduled
from portal.scheduler.models import FAILED, ScheduledRun

# A pending message older than this is stuck (the delivery job retries within minutes).
STUCK_AFTER = timedelta(minutes=30)
CHECK_EVERY = timedelta(days=7)


def groups(user) -> list[TaskGroup]:
    return [_undelivered(), _failed_jobs(), _failed_schedules(), _audit_chain()]


def _undelivered() -> TaskGroup:
    group = TaskGroup("undelivered", _("E-mails not delivered"))
    m = OutboxMessage
    rows, group.total = first_rows(
        select(m.id, m.recipient, m.subject, m.status, m.created_dt, m.last_error)
        .where(
            or_(
                m.status == "failed",
                (m.status == "pending") & (m.created_dt < now_utc() - STUCK_AFTER),
            )
        )
        .order_by(m.created_dt.desc(), m.id.desc())
    )
    group.more_url = url_for("admin.outbox", status="failed")
    group.tasks = [
        Task(
            subject=r.subject,
            detail=_("To %(recipient)s", recipient=r.recipient)
            + (f" · {r.last_error}" if r.last_error else ""),
            url=url_for("admin.outbox_message", message_id=r.id),
            action=_("Look and retry"),
            due=r.created_dt,
            overdue=True,
        )
        for r in rows
    ]
    return group


def _failed_jobs() -> TaskGroup:
    """From the queue's failed-job registry (Redis, no SQL); nothing when jobs run inline."""
    group = TaskGroup("jobs", _("Failed background jobs"))
    failed = jobs.failed_jobs(limit=SHOWN) or []
    group.total = jobs.failed_count() if failed else 0
    group.more_url = url_for("admin.failed_jobs")
    group.tasks = [
        Task(
            subject=jobs.describe(job),
            detail=jobs.error_of(job),
            url=url_for("admin.failed_jobs"),
            action=_("Look and run again"),
            overdue=True,
        )
        for job in failed
    ]
    return group


def _failed_schedules() -> TaskGroup:
    """Scheduled tasks whose latest run failed (a later success clears them)."""
    group = TaskGroup("scheduled", _("Scheduled tasks that failed"))
    r = ScheduledRun
    latest = select(func.max(r.id)).group_by(r.task).scalar_subquery()
    rows, group.total = first_rows(
        select(r.task, r.error, r.claimed_dt)
        .where(r.id.in_(latest), r.status == FAILED)
        .order_by(r.claimed_dt.desc(), r.id.desc())
    )
    group.more_url = url_for("admin.scheduled_tasks")
    group.tasks = [
        Task(
            subject=_label(row.task),
            detail=row.error or "",
            url=url_for("admin.scheduled_tasks"),
            action=_("See the runs"),
            due=row.claimed_dt,
            overdue=True,
        )
        for row in rows
    ]
    return group


def _label(name: str) -> str:
    task = scheduled.by_name(name)
    return str(task.label) if task else name


def _audit_chain() -> TaskGroup:
    group = TaskGroup("audit", _("Audit trail"))
    last = db.session.scalar(select(AuditCheck).order_by(AuditCheck.id.desc()).limit(1))
    url = url_for("audit.index") + "#chain"
    if last is None:
        detail, action = _("The hash chain has never been checked."), _("Check it now")
    elif not last.ok:
        detail = _(
            "The check of %(when)s found the chain broken: %(problem)s",
            when=format_dt(last.checked_dt),
            problem=last.problem,
        )
        action = _("See the audit log")
    elif last.checked_dt < now_utc() - CHECK_EVERY:
        detail = _("Last checked %(when)s.", when=format_dt(last.checked_dt))
        action = _("Check it again")
    else:
        return group
    group.total = 1
    group.tasks = [
        Task(
            subject=_("Hash chain"),
            detail=detail,
            url=url,
            action=action,
            overdue=bool(last and not last.ok),
        )
    ]
    return group
