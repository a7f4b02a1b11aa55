"""Fixtures for the closeout tests: an active fixed-amount award of organisation A (the
``applicant`` persona owns it and is its signatory) in a programme the ``grants_manager``
persona manages; "today" pinned after its end date (2028-01-31) for the ledger and the
checklist."""

from __future__ import annotations

import pytest

from portal.closeout import checklist
from portal.finance import operations
from tests.calls.helpers import make_call, make_programme
from tests.closeout import helpers
from tests.finance import helpers as finance_helpers


@pytest.fixture(autouse=True)
def closeout_today(monkeypatch):
    monkeypatch.setattr(operations, "today", lambda: helpers.TODAY)
    monkeypatch.setattr(checklist, "today", lambda: helpers.TODAY)
    return helpers.TODAY


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
    return finance_helpers.active_award(
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
