"""Fixtures for the finance tests: a published call of a programme managed by the
``grants_manager`` persona and an active award of organisation A (the ``applicant`` persona
owns it and is its signatory)."""

from __future__ import annotations

import pytest

from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers


@pytest.fixture
def programme(app, personas):
    return make_programme(app, managers=[personas["grants_manager"]])


@pytest.fixture
def call(app, programme, personas):
    return make_call(
        app,
        programme,
        code="CONV-2026-01",
        status="published",
        actor=personas["admin"],
        offers_cost_reimbursable=True,
    )


@pytest.fixture
def award(ctx, call, personas):
    return helpers.active_award(
        call, personas["org_a"], personas["applicant"], personas["grants_manager"]
    )


@pytest.fixture
def as_user(app, connection):
    from tests.support.matrix import login

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client
