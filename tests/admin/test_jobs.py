"""Failed background jobs: administrators only; listed with their error and run again from
the page and the home page. Through RQ on a real Redis when TEST_REDIS_URL is set."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.support.forms import post_form

REDIS = os.environ.get("TEST_REDIS_URL")


def test_only_administrators_see_failed_jobs(matrix):
    matrix.check("/admin/jobs", {"admin"})
    matrix.check("/admin/jobs/no-such-job/retry", {"admin"}, method="POST")


def test_without_a_queue_the_page_says_jobs_run_inline(matrix):
    page = matrix.client("admin").get("/admin/jobs").get_data(as_text=True)
    assert "no job queue" in page


def boom(secret: str) -> None:
    raise RuntimeError("the storage bucket is unreachable")


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run jobs through RQ")
def test_a_failed_job_is_listed_and_runs_again(app, matrix, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    name = f"test-failed-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("portal.jobs.QUEUE_NAME", name)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    connection = Redis.from_url(REDIS)
    queue = Queue(name, connection=connection)
    try:
        with app.app_context():
            from portal.jobs import enqueue

            job = enqueue("tests.admin.test_jobs:boom", "CLABE 012180001234567891")
        SimpleWorker([queue], connection=connection).work(burst=True)
        admin = matrix.client("admin")
        page = admin.get("/admin/jobs").get_data(as_text=True)
        assert "tests.admin.test_jobs:boom" in page
        assert "the storage bucket is unreachable" in page
        assert "012180001234567891" not in page  # arguments may hold personal data
        home = admin.get("/dashboard").get_data(as_text=True)
        assert "Failed background jobs" in home

        response = post_form(admin, f"/admin/jobs/{job.id}/retry", {}, form_url="/admin/jobs")
        assert response.status_code == 303
        assert queue.count == 1 and queue.failed_job_registry.count == 0
    finally:
        queue.empty()
        for job_id in queue.failed_job_registry.get_job_ids():
            queue.failed_job_registry.remove(job_id, delete_job=True)
