"""Fixtures for the results tests: the finance tests' active award of organisation A (the
``applicant`` persona owns it), two progress reports and a financial one (made directly: the
reports domain generates the schedule), and two indicators of the programme: a count
disaggregated by sex and state, and a percentage."""

from __future__ import annotations

from datetime import date

import pytest

from portal.core.db import db
from portal.reports.models import GrantReport
from portal.results import operations
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers

COUNT = {
    "code": "IND-01",
    "name_es": "Personas que recibieron asesoría jurídica gratuita",
    "name_en": "People who received free legal advice",
    "definition_es": "Personas distintas atendidas en el periodo.",
    "definition_en": "Distinct people served in the period.",
    "unit_es": "personas",
    "unit_en": "people",
    "measure": "count",
    "direction": "increase",
    "level": "output",
    "disaggregations": ["sex", "state"],
}
PERCENT = {
    **COUNT,
    "code": "IND-05",
    "name_es": "Porcentaje de acuerdos reparatorios cumplidos",
    "name_en": "Percentage of restorative agreements fulfilled",
    "definition_es": "Acuerdos cumplidos entre acuerdos con plazo vencido, por cien.",
    "definition_en": "Agreements fulfilled over agreements due, times one hundred.",
    "unit_es": "%",
    "unit_en": "%",
    "measure": "percentage",
    "level": "outcome",
    "disaggregations": ["state"],
}


def make_report(award, kind="progress", start=date(2027, 2, 1), end=date(2027, 4, 30), **kw):
    report = GrantReport(
        award_id=award.id,
        kind=kind,
        period_start=start,
        period_end=end,
        due_on=kw.pop("due_on", end),
        status=kw.pop("status", "due"),
        **kw,
    )
    db.session.add(report)
    db.session.flush()
    return report


def submit(report, user) -> None:
    """Put the report under review as the reports domain would."""
    from portal.core.db import now_utc

    report.status = "submitted"
    report.submitted_dt = now_utc()
    report.certified_by_id = user.id
    report.certified_name = user.full_name
    report.form_snapshot = []
    db.session.flush()


@pytest.fixture
def programme(app, personas):
    return make_programme(app, managers=[personas["grants_manager"]])


@pytest.fixture
def call(app, programme, personas):
    return make_call(
        app, programme, code="CONV-2026-01", status="published", actor=personas["admin"]
    )


@pytest.fixture
def award(ctx, call, personas):
    return helpers.active_award(
        call, personas["org_a"], personas["applicant"], personas["grants_manager"]
    )


@pytest.fixture
def reports(award):
    first = make_report(award)
    second = make_report(award, start=date(2027, 5, 1), end=date(2027, 7, 31))
    financial = make_report(award, kind="financial")
    db.session.commit()
    return first, second, financial


@pytest.fixture
def indicators(programme, personas):
    manager = personas["grants_manager"]
    count = operations.create_indicator(programme, manager, COUNT)
    percent = operations.create_indicator(programme, manager, PERCENT)
    db.session.commit()
    return count, percent


@pytest.fixture
def chosen(award, reports, indicators, personas):
    """Both indicators chosen for the award, with targets for the two progress reports."""
    first, second, _ = reports
    count, percent = indicators
    manager = personas["grants_manager"]
    a = operations.add_award_indicator(
        award,
        manager,
        count.id,
        {
            "baseline_value": "0",
            "baseline_year": 2026,
            "targets": {first.id: "100", second.id: "150"},
        },
    )
    b = operations.add_award_indicator(
        award,
        manager,
        percent.id,
        {"baseline_value": "40", "baseline_year": 2026, "targets": {first.id: "60"}},
    )
    db.session.commit()
    return a, b


@pytest.fixture
def as_user(app, connection):
    from tests.support.matrix import login

    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client
