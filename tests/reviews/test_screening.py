"""Screening through the real form: pass, fail with reasons, more information, bad input."""

from __future__ import annotations

from sqlalchemy import select

from portal.applications.models import Application, StatusChange
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.reviews.models import ScreeningDecision
from tests.reviews.helpers import reload
from tests.support.forms import post_form
from tests.support.matrix import login


def _screen(client, call, application, data):
    url = f"/calls/{call.code}/screening/{application.id}"
    return post_form(client, url, data, form_url=url)


def test_list_shows_applications_waiting(client, call, applications, personas):
    login(client, personas["grants_manager"].email)
    page = client.get(f"/calls/{call.code}/screening").get_data(as_text=True)
    assert "Centro de víctimas" in page  # submitted: waiting
    assert f"Screen {applications['b1'].reference}" in page
    assert f"Screen {applications['a1'].reference}" not in page  # already under review


def test_pass_sends_to_review(client, call, applications, personas, outbox):
    login(client, personas["grants_manager"].email)
    b1 = applications["b1"]
    response = _screen(client, call, b1, {"outcome": "pass"})
    assert response.status_code == 302
    assert reload(Application, b1.id).status == "under_review"
    decision = db.session.scalars(select(ScreeningDecision)).one()
    assert (decision.outcome, decision.reasons) == ("pass", [])
    moves = db.session.scalars(
        select(StatusChange).where(StatusChange.application_id == b1.id)
    ).all()
    assert [m.to_status for m in moves][-1] == "under_review"
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.screened_in"))
        is not None
    )
    assert [m.template for m in outbox(personas["other_applicant"].email)] == ["screening_decision"]


def test_fail_with_reasons_is_shown_to_the_applicant_in_their_language(
    client, app, call, applications, personas, outbox
):
    from portal.accounts.models import User

    owner = db.session.get(User, personas["other_applicant"].id)
    owner.locale = "es"
    db.session.commit()
    login(client, personas["grants_manager"].email)
    b1 = applications["b1"]
    response = _screen(
        client,
        call,
        b1,
        {
            "outcome": "fail",
            "reasons": ["cofinance_shortfall", "other"],
            "note": "Falta la carta compromiso.",
        },
    )
    assert response.status_code == 302
    assert reload(Application, b1.id).status == "screened_out"
    (mail,) = outbox(owner.email)
    assert mail.locale == "es"
    assert "Falta la carta compromiso." in mail.body_text
    assert f"/applications/{b1.id}/evaluation" in mail.body_text
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "application.screened_out")
    )
    assert entry.changes["reasons"] == ["cofinance_shortfall", "other"]

    # The applicant reads the decision with the reasons.
    applicant = app.test_client()
    login(applicant, owner.email)
    page = applicant.get(f"/applications/{b1.id}/evaluation?lang=en").get_data(as_text=True)
    assert "The co-finance is below the call" in page
    assert "Falta la carta compromiso." in page


def test_fail_without_reasons_changes_nothing(client, call, applications, personas):
    login(client, personas["grants_manager"].email)
    b1 = applications["b1"]
    response = _screen(client, call, b1, {"outcome": "fail", "note": ""})
    assert response.status_code == 422
    assert "Choose at least one reason" in response.get_data(as_text=True)
    assert reload(Application, b1.id).status == "submitted"
    assert db.session.scalars(select(ScreeningDecision)).all() == []


def test_other_reason_needs_an_explanation(client, call, applications, personas):
    login(client, personas["grants_manager"].email)
    response = _screen(client, call, applications["b1"], {"outcome": "fail", "reasons": ["other"]})
    assert response.status_code == 422
    assert "Explain the other reason." in response.get_data(as_text=True)


def test_request_more_information_uses_the_thread(client, call, applications, personas, outbox):
    from portal.applications.models import ApplicationMessage

    login(client, personas["grants_manager"].email)
    b1 = applications["b1"]
    response = _screen(
        client, call, b1, {"outcome": "more_information", "note": "¿Quién firma la carta?"}
    )
    assert response.status_code == 302
    assert reload(Application, b1.id).status == "more_information_requested"
    message = db.session.scalars(select(ApplicationMessage)).one()
    assert message.body == "¿Quién firma la carta?" and message.from_staff
    assert "application_information_requested" in [m.template for m in outbox()]


def test_an_application_under_review_cannot_be_screened_again(client, call, applications, personas):
    login(client, personas["grants_manager"].email)
    response = _screen(
        client, call, applications["a1"], {"outcome": "fail", "reasons": ["duplicate"]}
    )
    assert response.status_code == 422
    assert "Only submitted applications are screened." in response.get_data(as_text=True)
    assert reload(Application, applications["a1"].id).status == "under_review"
