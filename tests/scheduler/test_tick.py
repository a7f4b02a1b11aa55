"""Scheduler passes: each task once per period however many passes, again in the next period,
failures recorded, inline without Redis; the CLI; the real tasks all run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.scheduler import runner
from portal.scheduler.models import ScheduledRun
from tests.scheduler import helpers
from tests.scheduler.helpers import COUNT, FAIL, WHEN, use_tasks

NOON = datetime(2027, 3, 2, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City


def runs(task=None):
    query = select(ScheduledRun).order_by(ScheduledRun.id)
    if task:
        query = query.where(ScheduledRun.task == task)
    return db.session.scalars(query).all()


@pytest.fixture
def tasks(app, connection, monkeypatch):
    return lambda schedules: use_tasks(monkeypatch, app, schedules)


def test_two_passes_in_the_same_period_run_a_task_once(app, tasks):
    tasks({COUNT: "daily 07:00"})
    with app.app_context():
        [first] = runner.tick(NOON)
        [second] = runner.tick(NOON + timedelta(minutes=30))
        [run] = runs()
    assert (first.action, second.action) == ("ran", "taken")
    assert helpers.CALLS == ["count"]
    assert run.task == "test.count" and run.status == "succeeded"
    assert run.period_start_dt == datetime(2027, 3, 2, 13, 0, tzinfo=UTC)  # 07:00 local
    assert run.summary == "call 1" and run.error is None and run.job_id is None
    assert run.started_dt <= run.finished_dt


def test_the_next_period_runs_again(app, tasks):
    tasks({COUNT: "every 10 minutes"})
    with app.app_context():
        runner.tick(NOON)
        runner.tick(NOON + timedelta(minutes=9))
        runner.tick(NOON + timedelta(minutes=10))
        periods = [run.period_start_dt for run in runs()]
    assert helpers.CALLS == ["count", "count"]
    assert periods == [NOON, NOON + timedelta(minutes=10)]


def test_a_failure_is_recorded_and_the_other_tasks_still_run(app, tasks):
    tasks({FAIL: "hourly", COUNT: "hourly"})
    with app.app_context():
        failed, ran = runner.tick(NOON)
        run = runs("test.fail")[0]
        again = runner.tick(NOON + timedelta(minutes=5))
    assert failed.action == "failed" and ran.action == "ran"
    assert run.status == "failed" and run.finished_dt is not None
    assert run.error == "RuntimeError: the storage bucket is unreachable"
    assert [o.action for o in again] == ["taken", "taken"]  # a failed period is not retried


def test_nothing_to_do_claims_nothing(app, tasks):
    tasks({WHEN: "every 10 minutes"})
    helpers.PENDING["value"] = False
    with app.app_context():
        [idle] = runner.tick(NOON)
        assert idle.action == "idle" and runs() == []
        helpers.PENDING["value"] = True
        [ran] = runner.tick(NOON + timedelta(minutes=1))
    assert ran.action == "ran" and helpers.CALLS == ["count"]


def test_a_task_switched_off_or_misconfigured_does_not_stop_the_others(app, tasks):
    tasks({FAIL: "off", WHEN: "every 7 minutes", COUNT: "hourly"})
    with app.app_context():
        off, wrong, ran = runner.tick(NOON)
    assert off.action == "off"
    assert wrong.action == "error" and "SCHEDULE_TEST_WHEN='every 7 minutes'" in wrong.line()
    assert ran.action == "ran"


def test_a_claim_already_taken_is_refused_by_the_database(app, tasks):
    """The look before the INSERT is an optimisation: the UNIQUE constraint is the lock."""
    tasks({COUNT: "hourly"})
    with app.app_context():
        assert runner.claim("test.count", NOON) is not None
        assert runner.claim("test.count", NOON) is None
        assert len(runs()) == 1


def test_the_cli_ticks_at_a_given_moment(app, tasks):
    tasks({COUNT: "daily 07:00", FAIL: "off"})
    cli = app.test_cli_runner()
    result = cli.invoke(args=["scheduler", "tick", "--at", "2027-03-02T12:00:00-06:00"])
    assert result.exit_code == 0, result.output
    assert "test.count [2027-03-02T13:00:00+00:00] ran: call 1" in result.output
    assert "test.fail off" in result.output
    again = cli.invoke(args=["scheduler", "tick", "--at", "2027-03-02T18:30:00"])
    assert "test.count [2027-03-02T13:00:00+00:00] taken" in again.output
    assert helpers.CALLS == ["count"]

    bad = cli.invoke(args=["scheduler", "tick", "--at", "tomorrow"])
    assert bad.exit_code == 2 and "'tomorrow' is not an ISO date and time" in bad.output

    listed = cli.invoke(args=["scheduler", "list"])
    assert "test.count" in listed.output and "daily at 07:00 (America/Mexico_City)" in listed.output


def test_the_real_tasks_all_run(app, connection, monkeypatch, tmp_path):
    """Every configured job path resolves and runs inline (no active grant: the open-data
    files are refused, which is a recorded failure, not a crash)."""
    monkeypatch.setitem(app.config, "OPENDATA_DIR", str(tmp_path))
    with app.app_context():
        outcomes = {o.task: o for o in runner.tick(NOON)}
    assert set(outcomes) == {
        "reminders.send",
        "opendata.publish",
        "documents.check",
        "audit.verify",
        "sessions.prune",
        "mail.retry",
        "scheduler.prune",
    }
    assert outcomes["mail.retry"].action == "idle"  # no pending e-mail
    failed = outcomes.pop("opendata.publish")
    assert failed.action == "failed" and "No active grant to publish" in failed.detail
    outcomes.pop("mail.retry")
    assert {o.action for o in outcomes.values()} == {"ran"}, [o.line() for o in outcomes.values()]
    assert "Audit chain intact" in outcomes["audit.verify"].detail


def test_old_runs_are_pruned(app, tasks, monkeypatch):
    tasks({COUNT: "hourly"})
    monkeypatch.setitem(app.config, "SCHEDULER_KEEP_DAYS", 30)
    with app.app_context():
        old = runner.claim("test.count", NOON)
        old.claimed_dt = datetime.now(UTC) - timedelta(days=31)
        runner.claim("test.count", NOON + timedelta(hours=1))
        db.session.commit()
        assert runner.prune_job() == "1 old run(s) deleted"
        assert [r.period_start_dt for r in runs()] == [NOON + timedelta(hours=1)]
