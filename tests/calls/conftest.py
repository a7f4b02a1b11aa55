"""Fixtures for the calls tests: a programme managed by the ``grants_manager`` persona, and
calls in each status. Pages are read in English (the source language of the messages)."""

from __future__ import annotations

import pytest

from tests.calls import helpers
from tests.support import factories


@pytest.fixture
def other_manager(app, connection):
    """A grants manager who does not manage the test programme."""
    return factories.make_user(name="Olga Otro Gestor", roles=("grants_manager",), locale="en")


@pytest.fixture
def programme(app, personas):
    return helpers.make_programme(app, managers=[personas["grants_manager"]])


@pytest.fixture
def draft_call(app, programme):
    return helpers.make_call(app, programme, code="CONV-2026-01")


@pytest.fixture
def published_call(app, programme, personas):
    return helpers.make_call(
        app, programme, code="CONV-2026-02", status="published", actor=personas["admin"]
    )


@pytest.fixture
def anon(app, connection):
    """An anonymous client that reads pages in English."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


@pytest.fixture
def as_user(app, connection):
    """``as_user(user)``: a client logged in through the real login form."""
    from tests.support.matrix import login

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client


@pytest.fixture
def op_ctx(app, connection):
    """A short request context for calling operations directly (English messages)."""

    def _ctx():
        return app.test_request_context("/?lang=en")

    return _ctx
