"""The scheduled tasks: what runs, the configuration key holding its schedule, and the job.

Jobs are named by import path (as for ``portal.jobs.enqueue``), so the scheduler imports no
domain: the CLI command and the scheduled run call the same function. A job commits its own
work and returns a one-line summary (kept with the run); it raises when the run failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.scheduler.schedule import Daily, Every, parse


@dataclass(frozen=True)
class Task:
    name: str
    label: str  # what it does, for the administrators' page (lazily translated)
    setting: str  # the configuration key (and environment variable) with its schedule
    job: str  # "package.module:function", called with no arguments
    requires: str = ""  # a setting that must be non-empty, else the task is off
    when: str = ""  # "package.module:function" returning whether there is anything to do

    def schedule(self) -> Every | Daily | None:
        """This task's schedule from the configuration (None = off). Raises ScheduleError."""
        config = current_app.config
        if self.requires and not config.get(self.requires):
            return None
        return parse(config.get(self.setting, ""), config["BABEL_DEFAULT_TIMEZONE"])


TASKS = (
    Task(
        "reminders.send",
        _l("E-mail reminders about reports due and overdue"),
        "SCHEDULE_REMINDERS",
        "portal.finance.reminders:send_job",
    ),
    Task(
        "opendata.publish",
        _l("Open-data files (IATI and 360Giving)"),
        "SCHEDULE_OPENDATA",
        "portal.opendata.publish:publish_job",
        requires="OPENDATA_DIR",
    ),
    Task(
        "documents.check",
        _l("Stored documents present and intact; unfinished uploads removed"),
        "SCHEDULE_DOCUMENTS_CHECK",
        "portal.documents.housekeeping:check_job",
    ),
    Task(
        "audit.verify",
        _l("Audit trail hash chain check"),
        "SCHEDULE_AUDIT_VERIFY",
        "portal.audit.checks:scheduled_verify_job",
    ),
    Task(
        "sessions.prune",
        _l("Deletion of sessions that ended long ago"),
        "SCHEDULE_SESSIONS_PRUNE",
        "portal.accounts.sessions:prune_job",
    ),
    Task(
        "mail.retry",
        _l("New attempt at e-mails not yet delivered"),
        "SCHEDULE_MAIL_RETRY",
        "portal.mail.operations:retry_job",
        when="portal.mail.operations:has_pending",
    ),
    Task(
        "scheduler.prune",
        _l("Deletion of old entries of this list"),
        "SCHEDULE_SCHEDULER_PRUNE",
        "portal.scheduler.runner:prune_job",
    ),
)


def by_name(name: str) -> Task | None:
    return next((task for task in TASKS if task.name == name), None)
