"""The payment gate (a milestone's payment waits for the report that gates it: the request
page says so and the approval is refused) and staff's edits of the schedule."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import operations as finance_operations
from portal.reports import operations
from portal.reports.models import GrantReport
from portal.reports.schedule import reports_of
from tests.reports import helpers
from tests.support.forms import post_form


def _reload(report_id) -> GrantReport:
    db.session.expire_all()
    return db.session.get(GrantReport, report_id)


def test_payment_waits_for_the_gating_report(ctx, award, first, personas, as_user):
    applicant, manager, officer = (
        personas["applicant"],
        personas["grants_manager"],
        personas["finance_officer"],
    )
    milestone = award.milestones[0]
    operations.change_schedule(
        first,
        manager,
        period_start=first.period_start,
        period_end=first.period_end,
        due_on=first.due_on,
        milestone_id=milestone.id,
    )
    request = finance_operations.create_request(
        award, applicant, milestone_id=milestone.id, narrative="Plan", amount=milestone.amount
    )
    finance_operations.submit_request(
        request, applicant, certified=True, typed_name=applicant.full_name
    )
    finance_operations.decide_deliverable(request, manager, decision="approve", comment="")
    db.session.commit()
    page = as_user(officer).get(f"/finance/requests/{request.id}").get_data(as_text=True)
    assert "tie this payment to the approval of a report" in page
    with pytest.raises(InputError) as refused:
        finance_operations.approve_payment(request, officer, amount=request.amount, comment="")
    assert "Progress report" in str(refused.value.messages()[0])
    db.session.rollback()

    report = helpers.submitted(_reload(first.id), applicant)
    operations.approve_report(report, manager)
    db.session.commit()
    page = as_user(officer).get(f"/finance/requests/{request.id}").get_data(as_text=True)
    assert "tie this payment" not in page
    finance_operations.approve_payment(request, officer, amount=request.amount, comment="")
    db.session.commit()
    assert request.status == "payment_approved"


def test_staff_edit_add_and_remove(ctx, award, first, reports, personas, as_user):
    staff = as_user(personas["grants_manager"])
    url = f"/grant-reports/grants/{award.id}/schedule"
    page = staff.get(url).get_data(as_text=True)
    assert "Reporting schedule" in page and "Add a report" in page
    prefix = f"r{first.id}-"
    response = post_form(
        staff,
        f"/grant-reports/{first.id}/schedule",
        {
            prefix + "period_start": "2027-02-01",
            prefix + "period_end": "2027-03-31",
            prefix + "due_on": "2027-05-15",
            prefix + "gates_milestone_id": str(award.milestones[0].id),
        },
        form_url=url,
    )
    assert response.status_code == 302
    report = _reload(first.id)
    assert report.due_on == date(2027, 5, 15)
    assert report.gates_milestone_id == award.milestones[0].id

    # A due date before the period ends is refused; nothing changes.
    response = post_form(
        staff,
        f"/grant-reports/{first.id}/schedule",
        {
            prefix + "period_start": "2027-02-01",
            prefix + "period_end": "2027-03-31",
            prefix + "due_on": "2027-03-01",
            prefix + "gates_milestone_id": "0",
        },
        form_url=url,
    )
    assert response.status_code == 200
    assert "cannot be due before its period ends" in response.get_data(as_text=True)
    assert _reload(first.id).due_on == date(2027, 5, 15)

    response = post_form(
        staff,
        url,
        {
            "add-kind": "progress",
            "add-period_start": "2028-01-01",
            "add-period_end": "2028-01-31",
            "add-due_on": "2028-02-15",
            "add-gates_milestone_id": "0",
        },
        form_url=url,
    )
    assert response.status_code == 302
    assert len(reports_of(award.id)) == len(reports) + 1
    # The same kind and period end twice: refused.
    response = post_form(
        staff,
        url,
        {
            "add-kind": "progress",
            "add-period_start": "2028-01-10",
            "add-period_end": "2028-01-31",
            "add-due_on": "2028-02-15",
            "add-gates_milestone_id": "0",
        },
        form_url=url,
    )
    assert response.status_code == 200
    assert "already has a report of this kind" in response.get_data(as_text=True)

    # Remove: only a report not started.
    added = db.session.scalar(
        select(GrantReport).where(
            GrantReport.award_id == award.id,
            GrantReport.period_end == date(2028, 1, 31),
            GrantReport.kind == "progress",
        )
    )
    response = post_form(staff, f"/grant-reports/{added.id}/remove", {}, form_url=url)
    assert response.status_code == 302
    assert _reload(added.id) is None
    operations.save_answers(_reload(first.id), personas["applicant"], {"activities": "algo"})
    db.session.commit()
    response = post_form(
        staff, f"/grant-reports/{first.id}/remove", {}, form_url=url, follow_redirects=True
    )
    assert "has not started can be removed" in response.get_data(as_text=True)
    assert _reload(first.id) is not None


def test_grant_page_lists_the_schedule(ctx, award, reports, personas, as_user):
    grantee = as_user(personas["applicant"]).get(f"/finance/grants/{award.id}")
    page = grantee.get_data(as_text=True)
    assert 'id="reports-heading"' in page and "Start the report" in page
    assert "Edit the reporting schedule" not in page
    staff = as_user(personas["grants_manager"]).get(f"/finance/grants/{award.id}")
    assert "Edit the reporting schedule" in staff.get_data(as_text=True)


def test_call_questions_page(ctx, call, personas, as_user):
    staff = as_user(personas["grants_manager"])
    url = f"/grant-reports/calls/{call.code}/questions"
    page = staff.get(url).get_data(as_text=True)
    assert "Default questions:" in page and "Activities carried out in the period" in page
    assert "Report questions" in staff.get(f"/calls/{call.code}/manage").get_data(as_text=True)
    response = post_form(
        staff,
        f"{url}/new",
        {
            "report_kind": "progress",
            "key": "beneficiarias",
            "kind": "single_choice",
            "label_es": "¿Se alcanzó la meta?",
            "label_en": "Was the target met?",
            "required": "y",
            "options": "si | Sí | Yes\nno | No | No",
        },
        form_url=f"{url}/new",
    )
    assert response.status_code == 302
    page = staff.get(url).get_data(as_text=True)
    assert "Was the target met?" in page
    # Bad input: an option line without three parts.
    response = post_form(
        staff,
        f"{url}/new",
        {
            "report_kind": "progress",
            "key": "otra",
            "kind": "single_choice",
            "label_es": "Otra",
            "label_en": "Other",
            "options": "solo una",
        },
        form_url=f"{url}/new",
    )
    assert response.status_code == 200
    assert "Line 1" in response.get_data(as_text=True)
