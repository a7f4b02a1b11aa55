"""Fixtures for the awards tests: a published call (budget MXN 2,000,000) of a programme
managed by the ``grants_manager`` persona and a second manager, and a recommended
application of organisation A (whose owner, the ``applicant`` persona, is its signatory)."""

from __future__ import annotations

import pytest

from tests.awards import helpers
from tests.calls.helpers import make_call, make_programme
from tests.support import factories


@pytest.fixture
def second_manager(connection):
    return factories.make_user(name="Sofía Segunda", roles=("grants_manager",), locale="es")


@pytest.fixture
def programme(app, personas, second_manager):
    return make_programme(app, managers=[personas["grants_manager"], second_manager])


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
def application(ctx, call, personas):
    return helpers.recommended_application(call, personas["org_a"], personas["applicant"])


@pytest.fixture
def as_user(app, connection):
    from tests.support.matrix import login

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client
