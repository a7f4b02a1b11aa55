"""``flask --app wsgi worker``: the application is built once, before RQ forks its work
horses, instead of once per job under plain ``rq worker``."""

from __future__ import annotations

import os

import pytest
from flask import current_app

from portal import jobs
from portal.core.db import db

REDIS = os.environ.get("TEST_REDIS_URL")


def identity() -> int:
    """A job: which application object ran it."""
    return id(current_app._get_current_object())


@pytest.fixture
def preloaded(app, monkeypatch):
    monkeypatch.setattr(jobs, "_preloaded", None)
    monkeypatch.setattr(jobs, "_preloaded_pid", None)
    return app


def test_without_redis_the_worker_refuses(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_a_preloaded_app_runs_every_job(preloaded, monkeypatch):
    built = []
    monkeypatch.setattr("portal.create_app", lambda *a, **k: built.append(1) or preloaded)
    jobs.preload(preloaded)
    with preloaded.app_context():
        pool = db.engine.pool
    assert jobs.run_in_app("tests.ops.test_worker:identity", (), {}) == id(preloaded)
    assert jobs.run_in_app("tests.ops.test_worker:identity", (), {}) == id(preloaded)
    assert built == []  # never built again
    with preloaded.app_context():  # same process: its pool (and open connections) kept
        assert db.engine.pool is pool


def test_a_forked_work_horse_drops_the_inherited_pool(preloaded, monkeypatch):
    jobs.preload(preloaded)
    monkeypatch.setattr(jobs, "_preloaded_pid", -1)  # as seen from a forked child
    disposed = []
    with preloaded.app_context():
        monkeypatch.setattr(db.engine, "dispose", lambda close=True: disposed.append(close))
    jobs.run_in_app("tests.ops.test_worker:identity", (), {})
    jobs.run_in_app("tests.ops.test_worker:identity", (), {})
    assert disposed == [False]  # once per process, without closing the parent's connections


def test_without_preload_each_job_builds_an_app(preloaded, monkeypatch):
    built = []
    monkeypatch.setattr("portal.create_app", lambda *a, **k: built.append(1) or preloaded)
    jobs.run_in_app("tests.ops.test_worker:identity", (), {})
    assert built == [1]


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run jobs through RQ")
def test_the_worker_command_runs_jobs_with_its_own_app(preloaded, monkeypatch):
    from redis import Redis
    from rq import Queue

    monkeypatch.setitem(preloaded.config, "REDIS_URL", REDIS)
    monkeypatch.setattr("portal.create_app", lambda *a, **k: pytest.fail("built an app per job"))
    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(REDIS))
    queue.empty()
    job = queue.enqueue(jobs.run_in_app, "tests.ops.test_worker:identity", (), {})
    with preloaded.app_context():
        result = preloaded.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job.refresh()
    assert job.get_status() == "finished", job.get_status()
    assert job.return_value() == id(preloaded)  # the forked work horse inherited it
