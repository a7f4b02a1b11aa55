"""Once across all instances: concurrent passes on PostgreSQL (threads with separate
connections, and two real ``scheduler tick`` processes) claim each period once; with Redis
(TEST_REDIS_URL) the claimed run lands on the queue once and the worker records its outcome."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from config import ROOT
from portal.core.db import db
from portal.scheduler import runner
from portal.scheduler.models import ScheduledRun
from tests.scheduler import helpers
from tests.scheduler.helpers import COUNT, FAIL, use_tasks

REDIS = os.environ.get("TEST_REDIS_URL")
NOON = datetime(2027, 3, 2, 18, 0, tzinfo=UTC)


@pytest.fixture
def committed_runs(app, engine, postgres_only):
    """Runs really committed (threads have their own connections); removed afterwards."""
    yield
    with Session(engine) as s:
        s.execute(delete(ScheduledRun).where(ScheduledRun.task.like("test.%")))
        s.commit()


def _concurrent_ticks(app, count: int) -> list[str]:
    barrier = threading.Barrier(count)
    actions: list[str] = []

    def one_scheduler():
        with app.app_context():
            barrier.wait()
            actions.extend(o.action for o in runner.tick(NOON))
            db.session.remove()

    threads = [threading.Thread(target=one_scheduler) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return actions


@pytest.mark.parametrize("look_first", [True, False], ids=["look-first", "insert-race"])
def test_concurrent_passes_run_a_task_once(app, engine, committed_runs, monkeypatch, look_first):
    use_tasks(monkeypatch, app, {COUNT: "hourly"})
    if not look_first:  # every scheduler reaches the INSERT: the UNIQUE constraint decides
        monkeypatch.setattr(runner, "_claimed", lambda name, period: False)
    actions = _concurrent_ticks(app, 4)
    assert sorted(actions) == ["ran", "taken", "taken", "taken"]
    assert helpers.CALLS == ["count"]
    with Session(engine) as s:
        rows = s.scalars(select(ScheduledRun).where(ScheduledRun.task == "test.count")).all()
    assert [(r.period_start_dt, r.status) for r in rows] == [(NOON, "succeeded")]


@pytest.fixture
def queue(app, monkeypatch):
    from redis import Redis
    from rq import Queue

    name = f"test-scheduler-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("portal.jobs.QUEUE_NAME", name)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    queue = Queue(name, connection=Redis.from_url(REDIS))
    yield queue
    queue.empty()
    for job_id in queue.failed_job_registry.get_job_ids():
        queue.failed_job_registry.remove(job_id, delete_job=True)


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run scheduled jobs through RQ")
def test_with_redis_the_run_is_queued_once_and_the_worker_records_it(
    app, connection, queue, monkeypatch
):
    from rq import SimpleWorker

    use_tasks(monkeypatch, app, {COUNT: "hourly", FAIL: "hourly"})
    with app.app_context():
        first = runner.tick(NOON)
        second = runner.tick(NOON)
        queued = db.session.scalars(select(ScheduledRun).order_by(ScheduledRun.id)).all()
        assert {r.status for r in queued} == {"queued"}
        assert all(r.job_id for r in queued)
        timeouts = {queue.fetch_job(r.job_id).timeout for r in queued}
    assert timeouts == {app.config["SCHEDULER_JOB_TIMEOUT"]}  # not RQ's 180 s
    assert [o.action for o in first] == ["enqueued", "enqueued"]
    assert [o.action for o in second] == ["taken", "taken"]
    assert queue.count == 2 and helpers.CALLS == []  # nothing ran in the scheduler

    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    with app.app_context():
        db.session.expire_all()
        done = {r.task: r for r in db.session.scalars(select(ScheduledRun))}
    assert helpers.CALLS == ["count"]
    assert done["test.count"].status == "succeeded"
    assert done["test.count"].summary == "call 1"
    assert done["test.fail"].status == "failed"
    assert done["test.fail"].error == "RuntimeError: the storage bucket is unreachable"
    # RQ lists the failed run too (the administrators' "failed jobs" page).
    assert queue.failed_job_registry.get_job_ids() == [done["test.fail"].job_id]


def test_two_scheduler_processes_at_once_run_a_task_once(engine, database_url, postgres_only):
    """The real command in two processes (each its own connection), at the same moment."""
    from portal.audit.models import AuditCheck
    from portal.scheduler.tasks import TASKS

    at = "2031-01-01T00:30:00+00:00"
    env = {**os.environ, "PORTAL_ENV": "testing", "DATABASE_URL": database_url, "REDIS_URL": ""}
    env.update({task.setting: "off" for task in TASKS})
    env["SCHEDULE_AUDIT_VERIFY"] = "hourly"
    with Session(engine) as s:
        before = s.scalar(select(func.max(AuditCheck.id))) or 0
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "tick", "--at", at]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    try:
        assert [p.returncode for p in processes] == [0, 0]
        lines = sorted(line for out in outputs for line in out.splitlines() if "audit" in line)
        assert len(lines) == 2
        assert "ran: Audit chain intact" in lines[0] and lines[1].endswith("taken")
        with Session(engine) as s:
            runs = s.scalars(select(ScheduledRun).where(ScheduledRun.task == "audit.verify")).all()
            checks = s.scalar(select(func.count()).where(AuditCheck.id > before))
        assert [(r.period_start_dt.isoformat(), r.status) for r in runs] == [
            ("2031-01-01T00:00:00+00:00", "succeeded")
        ]
        assert checks == 1
    finally:
        with Session(engine) as s:
            s.execute(delete(ScheduledRun).where(ScheduledRun.task == "audit.verify"))
            s.execute(delete(AuditCheck).where(AuditCheck.id > before))
            s.commit()
