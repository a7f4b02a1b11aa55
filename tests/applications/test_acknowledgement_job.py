"""The acknowledgement is generated after the submission's commit: inline without Redis, and
through RQ on a real Redis when TEST_REDIS_URL is set (the PostgreSQL pass)."""

from __future__ import annotations

import os

import pytest

from portal.applications import acknowledgement, operations
from tests.applications import helpers
from tests.support.forms import post_form

REDIS = os.environ.get("TEST_REDIS_URL")


def submit_form(client, application):
    url = f"/applications/{application.id}/submit"
    return post_form(client, url, {"confirm": "y"}, form_url=url)


def acknowledgement_of(app, application_id):
    with helpers.request_context(app):
        return acknowledgement.existing(helpers.reload(application_id))


def test_without_redis_the_acknowledgement_is_made_after_the_commit(app, as_user, personas, ready):
    response = submit_form(as_user(personas["applicant"]), ready)
    assert response.status_code == 302
    document = acknowledgement_of(app, ready.id)
    assert document is not None and document.slot == "acknowledgement"


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run jobs through RQ")
def test_with_redis_the_acknowledgement_is_queued_after_the_commit(
    app, as_user, personas, ready, monkeypatch
):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from portal.jobs import QUEUE_NAME

    connection = Redis.from_url(REDIS)
    queue = Queue(QUEUE_NAME, connection=connection)
    queue.empty()
    # The worker builds its app with create_app(); here it must use the test app (same DB).
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    # Only the acknowledgement is counted here: the e-mails' delivery job stays off the queue.
    monkeypatch.setattr("portal.mail.operations.deliver_ready", lambda: 0)

    response = submit_form(as_user(personas["applicant"]), ready)
    assert response.status_code == 302
    assert queue.count == 1
    assert acknowledgement_of(app, ready.id) is None  # not made in the request

    SimpleWorker([queue], connection=connection).work(burst=True)
    with helpers.request_context(app):
        document = acknowledgement.existing(operations.load_full(ready.id))
    assert document is not None and document.slot == "acknowledgement"
