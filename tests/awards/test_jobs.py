"""Rendering as a background job: inline without Redis (the other tests), and through RQ on a
real Redis when TEST_REDIS_URL is set (CI sets it in the PostgreSQL pass)."""

from __future__ import annotations

import os

import pytest

from portal.awards import operations
from portal.awards.models import Agreement
from portal.core import unit_of_work
from portal.core.db import db
from tests.awards import helpers

REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL to run jobs through RQ")
def test_render_job_runs_on_rq(app, ctx, application, personas, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from portal.jobs import QUEUE_NAME

    connection = Redis.from_url(REDIS)
    queue = Queue(QUEUE_NAME, connection=connection)
    queue.empty()
    # The worker builds its app with create_app(); here it must use the test app (same DB).
    monkeypatch.setattr("portal.create_app", lambda *a, **k: app)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    # Only the render is counted here: the e-mails' delivery job stays off the queue.
    monkeypatch.setattr("portal.mail.operations.deliver_ready", lambda: 0)

    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    assert agreement.document_id is None  # deferred until after the commit
    unit_of_work.commit()  # the request's commit queues the render
    assert queue.count == 1

    SimpleWorker([queue], connection=connection).work(burst=True)
    agreement = db.session.get(Agreement, agreement.id)
    db.session.refresh(agreement)
    assert agreement.document_id is not None
    text = helpers.flat_text(helpers.stored_bytes(agreement.document_id))
    assert agreement.number in text and "trescientos mil pesos" in text


def test_without_redis_the_render_is_inline(ctx, application, personas):
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()  # the request's commit runs the render, inline without Redis
    assert agreement.document_id is not None and agreement.file_sha256
