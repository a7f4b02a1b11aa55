"""The financial report's figures (issue 16): expenditure by budget category against the
current budget, to date across the counted reports, variance in money and percent against the
plan to date, the configurable flag, the co-finance actuals, the finance dashboard's "at risk"
list, the page and its form, and the submission check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.awards.amendments import budget
from portal.closeout import expenditure
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import cofinance
from portal.reporting import dashboard
from portal.reporting.filters import ReportFilter
from portal.reports import extensions
from portal.reports.constants import ReportKind, ReportStatus
from tests.closeout import helpers

D = Decimal
BUDGET = {
    "personnel": D("120000.00"),
    "equipment": D("60000.00"),
    "travel": D("30000.00"),
    "services": D("60000.00"),
    "supplies": D("30000.00"),
    "other": D("0.00"),
}
# 2027-02-01 to 2027-07-31 is 181 of the term's 365 days.
SPENT = {
    "personnel": "65000.00",
    "equipment": "29000.00",
    "travel": "20000.00",
    "services": "30000.00",
    "supplies": "15000.00",
    "other": "0.00",
}


@pytest.fixture
def first_report(award, personas):
    budget.write(award, BUDGET)
    row = helpers.report(
        award,
        ReportKind.FINANCIAL,
        status=ReportStatus.SUBMITTED,
        period_end=date(2027, 7, 31),
        certifier=personas["applicant"],
        spent=SPENT,
    )
    db.session.commit()
    return row


def _row(figures, category):
    return next(r for r in figures.rows if r.category == category)


def test_variance_by_hand(first_report):
    f = expenditure.figures(first_report)
    assert f.share_elapsed == D(181) / D(365)
    personnel = _row(f, "personnel")
    # Planned to date: 120,000 × 181 / 365 = 59,506.849… → 59,506.85.
    assert personnel.planned == D("59506.85")
    assert personnel.this_period == personnel.to_date == D("65000.00")
    assert personnel.remaining == D("55000.00")
    assert personnel.variance == D("5493.15")
    assert personnel.variance_pct == D("9.2")  # 5,493.15 / 59,506.85 = 9.23 %
    travel = _row(f, "travel")
    assert travel.planned == D("14876.71") and travel.variance == D("5123.29")
    assert travel.variance_pct == D("34.4")
    assert [r.category for r in f.flagged] == ["travel"]  # default threshold: 10 %
    assert _row(f, "other").variance_pct is None and not _row(f, "other").flagged(D(10))
    assert f.total("budget") == D("300000.00") and f.total("this_period") == D("159000.00")


def test_the_threshold_is_configurable(app, first_report, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_VARIANCE_FLAG_PCT", 5)
    assert [r.category for r in expenditure.figures(first_report).flagged] == [
        "personnel",
        "travel",
    ]
    monkeypatch.setitem(app.config, "REPORT_VARIANCE_FLAG_PCT", 40)
    assert expenditure.figures(first_report).flagged == []


def test_spent_to_date_counts_submitted_and_approved_reports_only(award, personas, first_report):
    helpers.report(  # a draft of a later period does not count for the final report
        award, ReportKind.FINANCIAL, period_end=date(2027, 10, 31), spent={"travel": "999.00"}
    )
    final = helpers.report(
        award,
        ReportKind.FINAL_FINANCIAL,
        period_start=date(2027, 8, 1),
        spent={"personnel": "50000.00", "travel": "10000.00"},
    )
    f = expenditure.figures(final)
    assert f.share_elapsed == 1  # the final report compares with the whole budget
    personnel = _row(f, "personnel")
    assert (personnel.this_period, personnel.to_date) == (D("50000.00"), D("115000.00"))
    assert personnel.variance == D("-5000.00") and personnel.variance_pct == D("-4.2")
    assert _row(f, "travel").to_date == D("30000.00")  # not the draft's 999


def test_spending_beyond_the_budget_or_without_one_is_flagged(award, personas, first_report):
    final = helpers.report(
        award,
        ReportKind.FINAL_FINANCIAL,
        period_start=date(2027, 8, 1),
        spent={"personnel": "55000.01", "other": "10.00"},
    )
    flagged = {r.category for r in expenditure.figures(final).flagged}
    assert {"personnel", "other"} <= flagged


def test_cofinance_actuals_against_commitments(award, personas, first_report):
    commitment = award.commitments[0]
    for amount, verify in (("1000.00", True), ("500.00", False)):
        c = cofinance.report(
            award,
            personas["applicant"],
            commitment_id=commitment.id,
            contributor_name=commitment.contributor_name,
            nature="cash",
            counts_as=commitment.counts_as,
            amount=D(amount),
            valuation_basis="",
            contributed_on=date(2027, 5, 1),
        )
        if verify:
            cofinance.verify(c, personas["finance_officer"], decision="verify", reason="")
    rows = expenditure.figures(first_report).cofinance
    row = next(r for r in rows if r.contributor == commitment.contributor_name)
    assert (row.committed, row.reported, row.verified) == (
        commitment.amount,
        D("1500.00"),
        D("1000.00"),
    )


def test_the_dashboard_lists_the_variance_with_its_reason(app, award, personas, first_report):
    board = dashboard.build(ReportFilter(), personas["finance_officer"])
    (risk,) = [r for r in board.at_risk if r.award_id == award.id]
    assert risk.variance.period_end == date(2027, 7, 31)
    assert [label for label, _ in risk.variance.categories] == ["Travel"]
    assert board.risks.variance_total == 1
    from tests.support.matrix import login

    client = app.test_client()
    login(client, personas["finance_officer"].email)
    page = client.get("/reports/finance").get_data(as_text=True)
    assert 'data-reason="variance"' in page and "Travel (+34.4 %)" in page


def test_a_draft_report_is_not_on_the_dashboard(award, personas):
    budget.write(award, BUDGET)
    helpers.report(award, ReportKind.FINANCIAL, period_end=date(2027, 7, 31), spent=SPENT)
    board = dashboard.build(ReportFilter(), personas["finance_officer"])
    assert all(r.variance is None for r in board.at_risk)


def test_entering_the_expenditure(award, personas, as_user):
    report = helpers.report(award, ReportKind.FINANCIAL, period_end=date(2027, 7, 31))
    db.session.commit()
    assert "Enter the expenditure by budget category." in extensions.submission_problems(report)
    from tests.support.forms import csrf_token

    client = as_user(personas["applicant"])
    url = f"/closeout/reports/{report.id}/expenditure"
    page = client.get(url).get_data(as_text=True)
    assert "Save the expenditure" in page and "Variance above the threshold" not in page
    data = {"csrf_token": csrf_token(client, url), **SPENT, "personnel": "-1"}
    refused = client.post(url, data=data)
    assert refused.status_code == 200 and "cannot be negative" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(report), report.id).expenditures == []
    data["personnel"] = "65,000.00"
    data["note_travel"] = "Viajes a Hermosillo"
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    saved = {e.category: e.amount for e in db.session.get(type(report), report.id).expenditures}
    assert saved["personnel"] == D("65000.00") and len(saved) == 6
    assert extensions.submission_problems(db.session.get(type(report), report.id)) == []
    # Staff see the flag; the grantee does not.
    manager = as_user(personas["grants_manager"])
    assert "Variance above the threshold" in manager.get(url).get_data(as_text=True)


def test_only_editable_reports_and_preparers(award, personas, first_report):
    with pytest.raises(InputError):  # submitted: no longer editable
        expenditure.save(first_report, personas["applicant"], dict(SPENT), {})
    draft = helpers.report(award, ReportKind.FINANCIAL, period_end=date(2027, 10, 31))
    with pytest.raises(InputError):
        expenditure.save(draft, personas["grants_manager"], {}, {})
    amounts = {k: D(v) for k, v in SPENT.items()}
    with pytest.raises(InputError) as refused:
        expenditure.save(draft, personas["applicant"], {**amounts, "travel": D("1.005")}, {})
    assert "travel" in refused.value.errors
    expenditure.save(draft, personas["applicant"], amounts, {})
    assert len(draft.expenditures) == 6


def test_the_report_page_section(app, award, personas, first_report):
    from flask_babel import force_locale
    from flask_login import AnonymousUserMixin

    with app.test_request_context(), force_locale("en"):
        (section,) = [
            s
            for s in extensions.sections(first_report, personas["grants_manager"])
            if s.url.endswith(f"/closeout/reports/{first_report.id}/expenditure")
        ]
        assert section.complete and section.link_text == "See the expenditure"
        progress = helpers.report(award, ReportKind.PROGRESS, period_end=date(2027, 7, 31))
        assert not [
            s for s in extensions.sections(progress, AnonymousUserMixin()) if "closeout" in s.url
        ]


def test_a_closed_grant_is_no_longer_at_risk(award, personas, first_report):
    assert any(
        r.award_id == award.id
        for r in dashboard.build(ReportFilter(), personas["finance_officer"]).at_risk
    )
    award.status = "closed"  # its figures are final (closing itself: test_closeout.py)
    board = dashboard.build(ReportFilter(), personas["finance_officer"])
    assert all(r.award_id != award.id for r in board.at_risk)
    assert board.risks.variance_total == 0
