"""Access matrix for every results route: the programme's grants managers and administrators
keep the catalogue and choose a grant's indicators; finance officers and the grantee read a
grant's indicators; the grantee (owner) enters a progress report's values while it is
editable; the managers verify or question them; everybody else: nothing."""

from __future__ import annotations

from portal.core.db import db
from portal.reports.models import GrantReport
from portal.results import actuals
from portal.results.models import AwardIndicator
from tests.results.conftest import COUNT, submit

MANAGERS = {"grants_manager", "admin"}
GRANT_READERS = MANAGERS | {"finance_officer", "applicant"}


def test_catalogue_routes(matrix, programme, indicators):
    count, _ = indicators
    p = programme.id
    matrix.check(f"/results/programmes/{p}/indicators", MANAGERS)
    matrix.check(f"/results/programmes/{p}/indicators/new", MANAGERS)
    data = {k: v for k, v in COUNT.items() if k != "disaggregations"}
    matrix.check(
        f"/results/programmes/{p}/indicators/new",
        MANAGERS,
        method="POST",
        data_for=lambda persona: {**data, "code": f"X-{persona[:8]}"},
    )
    matrix.check(f"/results/indicators/{count.id}/edit", MANAGERS)
    matrix.check(f"/results/indicators/{count.id}/edit", MANAGERS, method="POST", data=data)
    matrix.check(
        f"/results/indicators/{count.id}/active", MANAGERS, method="POST", data={"active": "1"}
    )


def test_grant_routes(matrix, award, reports, indicators, chosen, personas):
    count_item, _ = chosen
    a = award.id
    # A value reported: removing the indicator is refused (a redirect with the message), so
    # every manager gets the same answer.
    actuals.record_actual(reports[0], count_item, personas["applicant"], {"value": "0"})
    db.session.commit()
    matrix.check(f"/results/grants/{a}/indicators", GRANT_READERS)
    matrix.check(f"/results/grants/{a}/indicators", MANAGERS, method="POST", data={})
    matrix.check(f"/results/grant-indicators/{count_item.id}/edit", MANAGERS)
    matrix.check(
        f"/results/grant-indicators/{count_item.id}/edit",
        MANAGERS,
        method="POST",
        data={"baseline_value": "1", "baseline_year": "2026"},
    )
    matrix.check(f"/results/grant-indicators/{count_item.id}/remove", MANAGERS, method="POST")


def test_report_routes(matrix, reports, chosen, personas):
    first, *_ = reports
    count_item, percent_item = chosen
    matrix.check(f"/results/reports/{first.id}", GRANT_READERS)
    data = {f"ai{percent_item.id}-value": "50"}
    matrix.check(
        f"/results/reports/{first.id}/indicators/{percent_item.id}",
        {"applicant"},
        method="POST",
        data=data,
    )
    first = db.session.get(GrantReport, first.id)
    count_item = db.session.get(AwardIndicator, count_item.id)
    actual = actuals.record_actual(first, count_item, personas["applicant"], {"value": "0"})
    submit(first, personas["applicant"])
    db.session.commit()
    matrix.check(f"/results/actuals/{actual.id}/verify", MANAGERS, method="POST")
    matrix.check(
        f"/results/actuals/{actual.id}/question",
        MANAGERS,
        method="POST",
        data={f"q{count_item.id}-comment": "Revise"},
    )
