"""Scheduled tasks (administrators): what runs when, and the latest runs with their outcome
(``scheduled_runs``, written by the scheduler: portal/scheduler)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.admin.blueprint import bp
from portal.scheduler import tasks as registry
from portal.scheduler.runner import recent
from portal.scheduler.schedule import Daily, Every, ScheduleError

SHOWN_RUNS = 100


@dataclass
class TaskRow:
    name: str
    label: str
    when: str
    setting: str
    misconfigured: bool = False


@bp.get("/scheduled-tasks")
def scheduled_tasks():
    return render_template(
        "admin/scheduled_tasks.html",
        tasks=[_task_row(task) for task in registry.TASKS],
        runs=recent(SHOWN_RUNS),
        labels={task.name: task.label for task in registry.TASKS},
        shown=SHOWN_RUNS,
        queued=bool(current_app.config.get("REDIS_URL")),
    )


def _task_row(task) -> TaskRow:
    row = TaskRow(task.name, str(task.label), "", task.setting)
    try:
        row.when = describe(task.schedule())
    except ScheduleError:
        setting = current_app.config.get(task.setting, "")
        row.when = _("Setting not understood: “%(value)s”", value=setting)
        row.misconfigured = True
    return row


def describe(schedule: Every | Daily | None) -> str:
    if schedule is None:
        return _("Off")
    if isinstance(schedule, Daily):
        return _(
            "Every day at %(time)s (%(zone)s)", time=f"{schedule.at:%H:%M}", zone=schedule.zone
        )
    if schedule.seconds % 3600 == 0:
        hours = schedule.seconds // 3600
        return ngettext("Every hour", "Every %(num)d hours", hours)
    minutes = max(schedule.seconds // 60, 1)
    return ngettext("Every minute", "Every %(num)d minutes", minutes)
