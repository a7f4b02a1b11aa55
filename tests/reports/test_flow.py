"""A report through its life, through the real pages: the grantee saves a draft (plain Save
and autosave), attaches a document, certifies and submits (the questions are snapshotted);
staff return it with comments per question, the grantee replies, corrects and resubmits;
staff approve. Refusals change nothing and speak the user's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.errors import InputError
from portal.reports import extensions, operations
from portal.reports.constants import CERTIFICATION_SOURCE
from portal.reports.models import GrantReport, ReportComment, ReportQuestion
from tests.reports import helpers
from tests.support.forms import post_form


def _answers(**values) -> dict:
    return {f"q_{k}": v for k, v in values.items()}


def _reload(report) -> GrantReport:
    db.session.expire_all()
    return db.session.get(GrantReport, report.id)


def test_save_draft_then_autosave(ctx, first, personas, as_user):
    client = as_user(personas["applicant"])
    url = f"/grant-reports/{first.id}"
    page = client.get(url).get_data(as_text=True)
    assert "js-autosave" in page and "Activities carried out in the period" in page
    response = post_form(client, url, _answers(activities="Diez talleres"), form_url=url)
    assert response.status_code == 302
    report = _reload(first)
    assert report.status == "draft" and report.answers["activities"] == "Diez talleres"
    response = post_form(
        client,
        url,
        _answers(activities="Doce talleres", results="Más acceso"),
        form_url=url,
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200 and response.get_json()["ok"] is True
    report = _reload(first)
    assert report.answers == {
        "activities": "Doce talleres",
        "results": "Más acceso",
        "difficulties": None,
        "next_period": None,
    }
    drafted = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grant_report.drafted")
    ).all()
    assert len(drafted) == 1


def test_too_long_answer_is_refused_in_spanish(ctx, first, personas, as_user):
    from portal.accounts.models import User

    applicant = db.session.get(User, personas["applicant"].id)
    applicant.locale = "es"
    db.session.commit()
    client = as_user(applicant)
    url = f"/grant-reports/{first.id}"
    response = post_form(client, url, _answers(activities="x" * 10001), form_url=url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Actividades realizadas en el periodo" in page
    assert "El campo no puede tener más de 10000 caracteres." in page
    assert _reload(first).status == "due"


def test_submit_requires_certification_answers_and_the_signatory(ctx, first, personas, as_user):
    applicant = personas["applicant"]
    client = as_user(applicant)
    url = f"/grant-reports/{first.id}"
    # Nothing answered, no certification: refused, nothing changes.
    response = post_form(client, f"{url}/submit", {"typed_name": "Otra Persona"}, form_url=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tick the certification" in page
    assert "Type your full name exactly" in page
    assert "required questions" in page or "required question" in page
    assert _reload(first).status == "due"
    # An editor (not the signatory) cannot certify.
    from tests.support.factories import add_member, make_user

    editor = make_user(name="Elena Editora")
    add_member(personas["org_a"], editor, "editor")
    report = _reload(first)
    operations.save_answers(report, editor, helpers.full_answers(report))
    with pytest.raises(InputError) as refused:
        operations.submit_report(report, editor, certified=True, typed_name=editor.full_name)
    assert "designated signatory" in str(refused.value.errors[""][0])
    db.session.rollback()


def test_submission_snapshots_questions_and_certification(ctx, first, personas, outbox):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    helpers.submitted(first, applicant)
    report = _reload(first)
    assert report.status == "submitted" and report.submissions == 1
    assert report.certified_name == applicant.full_name
    assert report.certification_text == CERTIFICATION_SOURCE
    assert report.form_snapshot[0]["label"] == {
        "es": "Actividades realizadas en el periodo",
        "en": "Activities carried out in the period",
    }
    # A question added to the call later does not change what was submitted.
    db.session.add(
        ReportQuestion(
            call_id=report.award.call_id,
            report_kind="progress",
            key="nuevo",
            kind="short_text",
            label_es="Nueva",
            label_en="New",
        )
    )
    db.session.commit()
    assert "nuevo" not in {q["key"] for q in _reload(first).form_snapshot}
    mails = [m for m in outbox(manager.email) if m.template == "report_submitted"]
    assert len(mails) == 1 and f"/grant-reports/{report.id}" in mails[0].body_text


def test_extension_problems_block_submission(ctx, first, personas):
    def no_actuals(report):
        return ["Enter the indicator actuals for the period."]

    extensions.register_check(no_actuals)
    try:
        with pytest.raises(InputError) as refused:
            helpers.submitted(first, personas["applicant"])
        assert "Enter the indicator actuals for the period." in refused.value.messages()
    finally:
        extensions._CHECKS.remove(no_actuals)
    db.session.rollback()


def test_return_with_comments_per_question_then_resubmit_and_approve(
    ctx, first, personas, as_user, outbox
):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    helpers.submitted(first, applicant)
    staff = as_user(manager)
    url = f"/grant-reports/{first.id}"
    page = staff.get(url).get_data(as_text=True)
    assert 'name="c_activities"' in page and 'name="general"' in page
    # No comment at all: refused.
    response = post_form(staff, f"{url}/return", {}, form_url=url)
    assert response.status_code == 200
    assert "Write at least one comment" in response.get_data(as_text=True)
    assert _reload(first).status == "submitted"
    response = post_form(
        staff,
        f"{url}/return",
        {"c_results": "Desagregue por sexo.", "general": "Adjunte listas."},
        form_url=url,
    )
    assert response.status_code == 302
    report = _reload(first)
    assert report.status == "returned" and report.decided_by_id == manager.id
    comments = {(c.question_key, c.body, c.round) for c in report.comments}
    assert comments == {("results", "Desagregue por sexo.", 1), (None, "Adjunte listas.", 1)}
    assert [m for m in outbox(applicant.email) if m.template == "report_returned"]

    # The grantee sees the comment next to the question, replies and resubmits.
    grantee = as_user(applicant)
    page = grantee.get(url).get_data(as_text=True)
    assert "Desagregue por sexo." in page and "Adjunte listas." in page
    response = post_form(grantee, f"{url}/reply", {"body": "Listo, adjuntas."}, form_url=url)
    assert response.status_code == 302
    corrected = {**helpers.full_answers(first), "results": "120 mujeres y 80 hombres"}
    post_form(grantee, url, _answers(**corrected), form_url=url)
    response = post_form(
        grantee,
        f"{url}/submit",
        {"certified": "y", "typed_name": applicant.full_name},
        form_url=url,
    )
    assert response.status_code == 302
    report = _reload(first)
    assert report.status == "submitted" and report.submissions == 2
    assert report.answers["results"] == "120 mujeres y 80 hombres"

    response = post_form(staff, f"{url}/approve", {"comment": "Gracias."}, form_url=url)
    assert response.status_code == 302
    report = _reload(first)
    assert report.status == "approved"
    rounds = sorted((c.round, c.body) for c in report.comments)
    assert rounds[-1] == (2, "Gracias.") and (1, "Listo, adjuntas.") in rounds
    assert [m for m in outbox(applicant.email) if m.template == "report_approved"]
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "grant_report", AuditEntry.object_id == str(first.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [a for a in actions if a != "grant_report.replied"] == [
        "grant_report.drafted",
        "grant_report.submitted",
        "grant_report.returned",
        "grant_report.submitted",
        "grant_report.approved",
    ]
    # The thread stays with the report and both views show it.
    assert "Listo, adjuntas." in staff.get(url).get_data(as_text=True)
    assert "Listo, adjuntas." in grantee.get(url).get_data(as_text=True)


def test_refused_moves(ctx, first, personas):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    with pytest.raises(InputError):
        operations.approve_report(first, manager)
    with pytest.raises(InputError):
        operations.return_report(first, manager, general="x", per_question={})
    helpers.submitted(first, applicant)
    with pytest.raises(InputError):
        operations.save_answers(first, applicant, {"activities": "otra"})
    with pytest.raises(InputError):
        operations.submit_report(first, applicant, certified=True, typed_name=applicant.full_name)
    db.session.rollback()
    operations.approve_report(_reload(first), manager)
    db.session.commit()
    with pytest.raises(InputError):
        operations.return_report(_reload(first), manager, general="tarde", per_question={})
    db.session.rollback()
    assert _reload(first).status == "approved"


def test_documents_attach_while_editable(ctx, first, personas, as_user):
    client = as_user(personas["applicant"])
    page = client.get(f"/documents/grant_report/{first.id}/").get_data(as_text=True)
    assert "Supporting documents" in page
    from portal.reports.documents import report_owner

    owner = report_owner(_reload(first))  # the request above ended its session
    assert owner.can_upload_documents(personas["applicant"])
    assert not owner.can_upload_documents(personas["grants_manager"])
    assert owner.can_view_documents(personas["grants_manager"])
    assert not owner.can_view_documents(personas["other_applicant"])
    helpers.submitted(_reload(first), personas["applicant"])
    assert not report_owner(_reload(first)).can_upload_documents(personas["applicant"])
    financial = db.session.scalar(
        select(GrantReport).where(
            GrantReport.award_id == first.award_id, GrantReport.kind == "financial"
        )
    )
    assert "financial_statement" in {s.key for s in report_owner(financial).slots}


def test_other_organisation_gets_404(ctx, first, personas, as_user):
    other = as_user(personas["other_applicant"])
    assert other.get(f"/grant-reports/{first.id}").status_code == 404
    response = post_form(other, f"/grant-reports/{first.id}/submit", {}, form_url="/")
    assert response.status_code == 404
    assert db.session.scalar(select(ReportComment.id)) is None


def test_return_without_comment_is_refused_in_spanish(ctx, first, personas, as_user):
    from portal.accounts.models import User

    helpers.submitted(first, personas["applicant"])
    manager = db.session.get(User, personas["grants_manager"].id)
    manager.locale = "es"
    db.session.commit()
    staff = as_user(manager)
    url = f"/grant-reports/{first.id}"
    response = post_form(staff, f"{url}/return", {"general": "   "}, form_url=url)
    page = response.get_data(as_text=True)
    assert "Escriba al menos un comentario" in page
    assert _reload(first).status == "submitted"
    assert not _reload(first).comments
