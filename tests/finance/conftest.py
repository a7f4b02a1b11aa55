"""Fixtures for the finance tests: a published call of a programme managed by the
``grants_manager`` persona and an active award of organisation A (the ``applicant`` persona
owns it and is its signatory)."""

from __future__ import annotations

import pytest

from portal.finance import operations
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers


@pytest.fixture(autouse=True)
def payments_today(monkeypatch):
    """The grants of these tests run from 2027-02-01 and are paid in 2027: a payment date is
    checked against ``helpers.PAYMENTS_TODAY`` (never after it), not the real date."""
    monkeypatch.setattr(operations, "today", lambda: helpers.PAYMENTS_TODAY)
    return helpers.PAYMENTS_TODAY


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
