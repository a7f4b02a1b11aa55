"""The request id follows the work a request causes (issue 19): into the jobs it enqueues (their
log lines and the e-mails they write) and into the e-mails it queues (X-Request-ID)."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from flask import g

from portal.core.requests import current_request_id
from portal.jobs import enqueue, run_in_app

REDIS = os.environ.get("TEST_REDIS_URL")
SEEN: list[str | None] = []


def remember_request_id(note: str) -> str:
    """A job: keeps the request id it runs under and logs a line."""
    SEEN.append(current_request_id())
    logging.getLogger("portal.tests.job").warning("job ran: %s", note)
    return note


class FakeJob:
    def __init__(self, meta):
        self.meta = meta


def test_a_job_runs_under_the_id_of_the_request_that_enqueued_it(app, monkeypatch, caplog):
    """The worker's side, without Redis: run_in_app reads the id from the job's meta."""
    SEEN.clear()
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    monkeypatch.setattr("rq.get_current_job", lambda *a, **k: FakeJob({"request_id": "req-77"}))
    run_in_app("tests.ops.test_request_ids:remember_request_id", ("x",), {})
    assert SEEN == ["req-77"]
    [record] = [r for r in caplog.records if r.name == "portal.tests.job"]
    assert record.request_id == "req-77"  # stamped on the job's log lines
    assert current_request_id() is None  # and forgotten after the job

    monkeypatch.setattr("rq.get_current_job", lambda *a, **k: FakeJob({"request_id": "bad id!"}))
    run_in_app("tests.ops.test_request_ids:remember_request_id", ("y",), {})
    assert SEEN[-1] is None  # a malformed id is not trusted


def test_inline_jobs_share_the_request_id(app):
    SEEN.clear()
    with app.test_request_context("/", headers={"X-Request-ID": "inline-1"}):
        app.preprocess_request()
        assert g.request_id == "inline-1"
        enqueue("tests.ops.test_request_ids:remember_request_id", "now")
    assert SEEN == ["inline-1"]


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run jobs through RQ")
def test_a_queued_job_carries_the_request_id_to_the_worker(app, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    SEEN.clear()
    name = f"test-request-id-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("portal.jobs.QUEUE_NAME", name)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    connection = Redis.from_url(REDIS)
    queue = Queue(name, connection=connection)
    try:
        with app.test_request_context("/", headers={"X-Request-ID": "queued-9"}):
            app.preprocess_request()
            job = enqueue("tests.ops.test_request_ids:remember_request_id", "later")
        assert job.meta["request_id"] == "queued-9"
        assert SEEN == []  # not run yet: on the queue
        SimpleWorker([queue], connection=connection).work(burst=True)
        assert SEEN == ["queued-9"]
    finally:
        queue.empty()
        for registry in (queue.finished_job_registry, queue.failed_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
