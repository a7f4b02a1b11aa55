"""One scheduler pass (``tick``) and the wrapper every scheduled job runs in (``execute``).

"Once across all instances": before a task is enqueued its run is claimed by INSERTing
(task, period start) into ``scheduled_runs``, committed at once. The table's UNIQUE constraint
refuses a second claim for the same period from any process, on PostgreSQL and SQLite alike;
the loser skips the task. This works with or without Redis and leaves a history for operators.
With ``REDIS_URL`` the claimed run is enqueued on the "cofinancia" queue (the worker executes
it); without it, it runs inline in the scheduler process.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, select, update
from sqlalchemy.exc import IntegrityError

from portal.core.db import db, now_utc
from portal.core.unit_of_work import commit
from portal.jobs import enqueue, resolve
from portal.scheduler import tasks as registry
from portal.scheduler.models import CLAIMED, FAILED, QUEUED, RUNNING, SUCCEEDED, ScheduledRun
from portal.scheduler.schedule import ScheduleError

log = logging.getLogger("portal.scheduler")


@dataclass
class Outcome:
    task: str
    action: str  # "enqueued", "ran", "failed", "taken", "idle", "off", "error"
    period_start: datetime | None = None
    detail: str = ""

    def line(self) -> str:
        period = f" [{self.period_start.isoformat()}]" if self.period_start else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.task}{period} {self.action}{detail}"


def tick(now: datetime | None = None) -> list[Outcome]:
    """Claim and start every task whose current period has no run yet."""
    now = now or now_utc()
    return [_tick_task(task, now) for task in registry.TASKS]


def _tick_task(task: registry.Task, now: datetime) -> Outcome:
    try:
        schedule = task.schedule()
    except ScheduleError as exc:
        return Outcome(task.name, "error", detail=f"{task.setting}={exc}")
    if schedule is None:
        return Outcome(task.name, "off")
    period = schedule.period_start(now)
    if _claimed(task.name, period):
        return Outcome(task.name, "taken", period)
    if task.when and not resolve(task.when)():
        return Outcome(task.name, "idle", period)
    run = claim(task.name, period)
    if run is None:
        return Outcome(task.name, "taken", period)
    return _start(run, period)


def _claimed(name: str, period: datetime) -> bool:
    """A cheap look first, so that the usual case does not make the database log a unique
    violation every 30 seconds."""
    condition = (ScheduledRun.task == name) & (ScheduledRun.period_start_dt == period)
    return bool(db.session.scalar(select(exists().where(condition))))


def claim(name: str, period: datetime) -> ScheduledRun | None:
    """INSERT the run and commit it; None when another process claimed this period first."""
    run = ScheduledRun(task=name, period_start_dt=period, claimed_by=_me(), status=CLAIMED)
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return None
    commit()
    return run


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _start(run: ScheduledRun, period: datetime) -> Outcome:
    run_id = run.id
    if not current_app.config.get("REDIS_URL"):
        try:
            summary = execute(run_id)
        except Exception as exc:  # recorded on the run by execute(); the other tasks go on
            return Outcome(run.task, "failed", period, _one_line(exc))
        return Outcome(run.task, "ran", period, summary or "")
    try:
        timeout = current_app.config["SCHEDULER_JOB_TIMEOUT"]
        job = enqueue("portal.scheduler.runner:execute", run_id, job_timeout=timeout)
    except Exception as exc:
        # The queue is unreachable: give the period back so the next tick tries again.
        log.exception("could not enqueue scheduled task %s", run.task)
        db.session.execute(delete(ScheduledRun).where(ScheduledRun.id == run_id))
        commit()
        return Outcome(run.task, "error", period, f"not enqueued: {_one_line(exc)}")
    # The worker may already have started it: only a run still "claimed" becomes "queued".
    status = case((ScheduledRun.status == CLAIMED, QUEUED), else_=ScheduledRun.status)
    db.session.execute(
        update(ScheduledRun).where(ScheduledRun.id == run_id).values(job_id=job.id, status=status)
    )
    commit()
    return Outcome(run.task, "enqueued", period, f"job {job.id}")


def execute(run_id: int) -> str | None:
    """Run a claimed task's job, recording start, end, summary or error on its run.

    Re-raises the job's exception after recording it, so that RQ also lists the job as failed
    (the administrators' "failed jobs" page)."""
    run = db.session.get(ScheduledRun, run_id)
    if run is None:
        log.warning("scheduled run %s no longer exists", run_id)
        return None
    task = registry.by_name(run.task)
    run.status, run.started_dt = RUNNING, now_utc()
    commit()
    try:
        if task is None:
            raise LookupError(f"no scheduled task named {run.task!r}")
        result = resolve(task.job)()
    except Exception as exc:
        db.session.rollback()
        _finish(run_id, FAILED, error=_one_line(exc))
        log.exception("scheduled task %s failed", run.task)
        raise
    summary = None if result is None else str(result)[:300]
    _finish(run_id, SUCCEEDED, summary=summary)
    return summary


def _finish(run_id: int, status: str, summary: str | None = None, error: str | None = None):
    db.session.execute(
        update(ScheduledRun)
        .where(ScheduledRun.id == run_id)
        .values(status=status, finished_dt=now_utc(), summary=summary, error=error)
    )
    commit()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]


def prune_job() -> str:
    """Scheduled: forget runs claimed more than ``SCHEDULER_KEEP_DAYS`` days ago."""
    cutoff = now_utc() - timedelta(days=current_app.config["SCHEDULER_KEEP_DAYS"])
    removed = db.session.execute(delete(ScheduledRun).where(ScheduledRun.claimed_dt < cutoff))
    commit()
    return f"{removed.rowcount} old run(s) deleted"


def recent(limit: int = 100) -> list[ScheduledRun]:
    return list(
        db.session.scalars(
            select(ScheduledRun)
            .order_by(ScheduledRun.claimed_dt.desc(), ScheduledRun.id.desc())
            .limit(limit)
        )
    )
