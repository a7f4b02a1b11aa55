"""Fixtures for the applications tests: an open call managed by the ``grants_manager``
persona, and logged-in clients. Personas read pages in English."""

from __future__ import annotations

import pytest

from tests.applications import helpers
from tests.calls.helpers import make_programme
from tests.support.matrix import login


@pytest.fixture
def programme(app, personas):
    return make_programme(app, managers=[personas["grants_manager"]])


@pytest.fixture
def call(app, programme, personas):
    return helpers.make_open_call(app, programme, actor=personas["grants_manager"])


@pytest.fixture
def as_user(app, connection):
    """``as_user(user)``: a client logged in through the real login form."""

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client


@pytest.fixture
def draft(app, call, personas):
    """A draft of organisation A, started by its owner (eligible, nothing filled in)."""
    return helpers.start(app, call, personas["org_a"], personas["applicant"])


@pytest.fixture
def ready(app, call, personas):
    """A draft of organisation A that passes the whole checklist."""
    return helpers.complete(app, call, personas["org_a"], personas["applicant"])
