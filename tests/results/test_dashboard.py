"""The results dashboard and its exports: target against actual per indicator (counts add up,
percentages are plain means), the finance dashboard's filters, and who may see them."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from portal.core.db import db
from portal.reporting import results_board
from portal.reporting.filters import ReportFilter
from portal.results import actuals, operations
from tests.finance import helpers
from tests.results.conftest import make_report

D = Decimal
STAFF = {"grants_manager", "finance_officer", "admin"}


@pytest.fixture
def figures(ctx, call, award, reports, chosen, personas):
    """Grant A: IND-01 target 100 then 150, actual 90 in the first period; IND-05 target 60,
    actual 55. Grant B (organisation B): IND-01 target 50, actual 60."""
    first, _second, _ = reports
    count_item, percent_item = chosen
    user = personas["applicant"]
    actuals.record_actual(
        first, count_item, user, {"value": "90", "b-sex-women": "90", "b-state-19": "90"}
    )
    actuals.record_actual(first, percent_item, user, {"value": "55"})
    other = helpers.active_award(
        call,
        personas["org_b"],
        personas["other_applicant"],
        personas["grants_manager"],
        title="Defensoría comunitaria",
    )
    report_b = make_report(other)
    item_b = operations.add_award_indicator(
        other,
        personas["grants_manager"],
        count_item.indicator_id,
        {"targets": {report_b.id: "50"}},
    )
    actuals.record_actual(
        report_b,
        item_b,
        personas["other_applicant"],
        {"value": "60", "b-sex-men": "60", "b-state-26": "60"},
    )
    db.session.commit()
    return other


def _board(user, by="programme", **f):
    return {b.code: b for b in results_board.build(ReportFilter(**f), user, by)}


def test_counts_add_up_and_percentages_are_means(figures, personas):
    boards = _board(personas["finance_officer"])
    count = boards["IND-01"]
    assert count.total.target == D(300)  # 100 + 150 + 50
    assert count.total.actual == D(150)  # 90 + 60
    assert count.total.achieved == D("100.0")  # periods with both: 150 of 150
    assert len(count.total.grants) == 2
    percent = boards["IND-05"]
    assert percent.total.target == D("60.00") and percent.total.actual == D("55.00")
    assert percent.total.achieved == D("91.7")


def test_grouped_by_grantee_and_filtered_by_period(figures, personas):
    boards = _board(personas["admin"], by="grantee")
    groups = {g.label: (g.target, g.actual) for g in boards["IND-01"].groups}
    assert groups == {"Org A A.C.": (D(250), D(90)), "Org B S.A. de C.V.": (D(50), D(60))}
    early = _board(personas["admin"], date_to=date(2027, 4, 30))["IND-01"]
    assert (early.total.target, early.total.actual) == (D(150), D(150))
    assert _board(personas["admin"], call_id=figures.call_id + 1000) == {}


def test_filtered_by_grantee(as_user, figures, personas):
    boards = {
        b.code: b
        for b in results_board.build(
            ReportFilter(), personas["admin"], grantee_id=personas["org_b"].id
        )
    }
    assert set(boards) == {"IND-01"}
    assert (boards["IND-01"].total.target, boards["IND-01"].total.actual) == (D(50), D(60))
    client = as_user(personas["grants_manager"])
    page = client.get(f"/reports/results/?grantee={personas['org_b'].id}").get_data(as_text=True)
    assert 'data-indicator="IND-05"' not in page and 'data-indicator="IND-01"' in page
    csv_rows = client.get(f"/reports/results/export.csv?grantee={personas['org_b'].id}")
    assert len(csv_rows.get_data(as_text=True).strip().splitlines()) == 1 + 1
    refused = client.get("/reports/results/?grantee=999999").get_data(as_text=True)
    assert "Choose a grantee organisation from the list." in refused
    assert client.get("/reports/results/export.csv?grantee=abc").status_code == 400


def test_a_manager_of_another_programme_sees_nothing(figures, personas):
    from tests.support.factories import make_user

    stranger = make_user(name="Otra Gestora", roles=("grants_manager",))
    assert _board(stranger) == {}


def test_dashboard_page_and_exports(as_user, figures, personas):
    client = as_user(personas["finance_officer"])
    page = client.get("/reports/results/?by=grantee").get_data(as_text=True)
    assert 'data-indicator="IND-01"' in page and "Org B S.A. de C.V." in page
    assert "<svg" in page
    response = client.get("/reports/results/export.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + 4  # grant A: 2 periods of IND-01 and 1 of IND-05; grant B: 1
    assert [rows[1][5], rows[1][11]] == ["IND-01", "90.00"]
    filtered = client.get("/reports/results/export.csv?date_to=2027-04-30")
    assert len(filtered.get_data(as_text=True).strip().splitlines()) == 1 + 3
    xlsx = client.get("/reports/results/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/reports/results/export.csv?date_from=x").status_code == 400


def test_access(matrix, figures):
    matrix.check("/reports/results/", STAFF)
    matrix.check("/reports/results/export.csv", STAFF)
    matrix.check("/reports/results/export.xlsx", STAFF)
