"""``flask --app wsgi scheduler run|tick|list``: the scheduler process (one per deployment is
enough; more are harmless, each run is claimed once in ``scheduled_runs``)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.db import db

scheduler_cli = AppGroup("scheduler", help="Scheduled tasks (reminders, checks, clean-up).")
log = logging.getLogger("portal.scheduler")


def _moment(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date and time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@scheduler_cli.command("tick")
@click.option(
    "--at",
    callback=_moment,
    help="Act as if it were this moment (ISO 8601; without an offset it is UTC).",
)
def tick_cmd(at: datetime | None) -> None:
    """Enqueue (or, without Redis, run) every task that is due, once, then exit."""
    from portal.scheduler.runner import tick

    for outcome in tick(at):
        click.echo(outcome.line())


@scheduler_cli.command("list")
def list_cmd() -> None:
    """Show every task, its schedule and its setting."""
    from portal.scheduler.schedule import ScheduleError
    from portal.scheduler.tasks import TASKS

    for task in TASKS:
        try:
            schedule = task.schedule()
            when = schedule.describe() if schedule else "off"
        except ScheduleError as exc:
            when = f"INVALID: {exc}"
        click.echo(f"{task.name:18} {when:40} ({task.setting}) -> {task.job}")


@scheduler_cli.command("run")
def run_cmd() -> None:
    """Tick every SCHEDULER_INTERVAL seconds until SIGTERM or Ctrl+C (a running inline job
    finishes first)."""
    from portal.scheduler.runner import tick

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    interval = max(5, int(current_app.config["SCHEDULER_INTERVAL"]))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    log.info("scheduler started: a pass every %s s", interval)
    while not stop.is_set():
        try:
            for outcome in tick():
                if outcome.action not in ("taken", "off", "idle"):
                    log.info("%s", outcome.line())
        except Exception:  # the database is down, say: log it and try again next time
            log.exception("scheduler pass failed")
        finally:
            db.session.remove()
        stop.wait(interval - time.time() % interval)
    log.info("scheduler stopped")
