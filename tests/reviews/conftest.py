"""Fixtures for the review tests: a published call of a programme managed by the
``grants_manager`` persona, applications under review from organisations A and B, a rubric
and a panel with the ``reviewer`` persona and a second reviewer."""

from __future__ import annotations

import pytest

from tests.calls.helpers import make_call, make_programme
from tests.reviews import helpers
from tests.support import factories


@pytest.fixture
def programme(app, personas):
    return make_programme(app, managers=[personas["grants_manager"]])


@pytest.fixture
def call(app, programme, personas):
    return make_call(
        app, programme, code="CONV-2026-01", status="published", actor=personas["admin"]
    )


@pytest.fixture
def second_reviewer(connection):
    return factories.make_user(name="Sergio Segundo", roles=("reviewer",), locale="en")


@pytest.fixture
def applications(ctx, call, personas):
    """Two applications under review (organisation A) and one submitted (organisation B)."""
    a1 = helpers.make_application(
        call, personas["org_a"], personas["applicant"], title="Mediación en colonias"
    )
    a2 = helpers.make_application(
        call, personas["org_a"], personas["applicant"], title="Asesoría jurídica"
    )
    b1 = helpers.make_application(
        call,
        personas["org_b"],
        personas["other_applicant"],
        status="submitted",
        title="Centro de víctimas",
    )
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def rubric(ctx, call):
    return helpers.make_rubric(call)


@pytest.fixture
def panel(ctx, call, personas, second_reviewer):
    return helpers.make_panel(call, [personas["reviewer"], second_reviewer], chair=second_reviewer)


@pytest.fixture
def as_user(app, connection):
    from tests.support.matrix import login

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client
