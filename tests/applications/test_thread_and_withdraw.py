"""Requests for more information (a thread with attachments, e-mails both ways) and
withdrawal before the deadline."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.applications.models import ApplicationMessage
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.documents.models import Document
from tests.applications import helpers
from tests.documents import samples
from tests.support.factories import add_member, make_user
from tests.support.forms import csrf_token, post_form


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def submitted(app, call, personas):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    return helpers.submit(app, application, personas["applicant"])


def test_staff_ask_and_the_applicant_answers_with_an_attachment(
    as_user, personas, submitted, outbox
):
    editor = make_user(roles=("applicant",), locale="es")
    add_member(personas["org_a"], editor, role="editor")
    staff = as_user(personas["grants_manager"])
    url = f"/applications/{submitted.id}"
    response = post_form(
        staff,
        url + "/request-information",
        {"message": "Envíen la carta del municipio."},
        form_url=url,
    )
    assert response.status_code == 302
    assert helpers.reload(submitted.id).status == "more_information_requested"
    asked = {m.recipient: m for m in outbox() if m.template == "application_information_requested"}
    assert set(asked) == {personas["applicant"].email, editor.email}
    assert asked[editor.email].locale == "es"
    assert "Envíen la carta del municipio." in asked[editor.email].body_text

    applicant = as_user(personas["applicant"])
    page = text(applicant.get(url))
    assert "Envíen la carta del municipio." in page and "Send the answer" in page
    response = applicant.post(
        url + "/reply",
        data={
            "csrf_token": csrf_token(applicant, url),
            "message": "Adjuntamos la carta.",
            "attachment": (io.BytesIO(samples.pdf("Carta")), "carta.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    saved = helpers.reload(submitted.id)
    assert saved.status == "submitted" and saved.answers == helpers.COMPLETE_ANSWERS
    reply = db.session.scalars(
        select(ApplicationMessage).filter_by(application_id=submitted.id, from_staff=False)
    ).one()
    attachment = db.session.scalars(
        select(Document).filter_by(owner_type="application_message", owner_id=reply.id)
    ).one()
    assert attachment.is_clean and attachment.original_name == "carta.pdf"
    (answered,) = [m for m in outbox() if m.template == "application_information_provided"]
    assert answered.recipient == personas["grants_manager"].email
    assert "Adjuntamos la carta." in answered.body_text
    staff_page = text(staff.get(url))
    assert "carta.pdf" in staff_page
    assert staff.get(f"/documents/{attachment.id}/download").status_code == 200
    other = as_user(personas["other_applicant"])
    assert other.get(f"/documents/{attachment.id}/download").status_code == 404


def test_answers_stay_locked_while_information_is_requested(app, as_user, personas, submitted):
    helpers.request_information(app, submitted, personas["grants_manager"])
    before = helpers.reload(submitted.id).answers
    client = as_user(personas["applicant"])
    assert client.get(f"/applications/{submitted.id}/edit").status_code == 302
    upload = f"/documents/application/{submitted.id}/workplan/upload"
    assert client.get(upload).status_code == 403
    assert helpers.reload(submitted.id).answers == before


def test_a_rejected_attachment_sends_nothing(app, as_user, personas, submitted, outbox):
    helpers.request_information(app, submitted, personas["grants_manager"])
    client = as_user(personas["applicant"])
    url = f"/applications/{submitted.id}"
    response = client.post(
        url + "/reply",
        data={
            "csrf_token": csrf_token(client, url),
            "message": "Adjunto.",
            "attachment": (io.BytesIO(samples.html_as_pdf()), "carta.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The file was not accepted" in text(response)
    assert helpers.reload(submitted.id).status == "more_information_requested"
    assert not [m for m in outbox() if m.template == "application_information_provided"]


def test_owner_withdraws_before_the_deadline(as_user, personas, submitted):
    client = as_user(personas["applicant"])
    url = f"/applications/{submitted.id}/withdraw"
    assert "Withdraw" in text(client.get(url))
    response = post_form(client, url, {"reason": "Cambio de planes"}, form_url=url)
    assert response.status_code == 200 and "Tick the box" in text(response)
    response = post_form(client, url, {"reason": "Cambio de planes", "confirm": "y"}, form_url=url)
    assert response.status_code == 302
    saved = helpers.reload(submitted.id)
    assert saved.status == "withdrawn" and saved.withdrawal_reason == "Cambio de planes"
    page = text(client.get(f"/applications/{submitted.id}"))
    assert "Withdrawn" in page and "Cambio de planes" in page


def test_no_withdrawal_after_the_deadline_or_by_an_editor(as_user, personas, submitted, call):
    editor = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], editor, role="editor")
    assert as_user(editor).get(f"/applications/{submitted.id}/withdraw").status_code == 403
    db.session.get(Call, call.id).closes_dt = now_utc() - timedelta(seconds=1)
    db.session.commit()
    client = as_user(personas["applicant"])
    assert client.get(f"/applications/{submitted.id}/withdraw").status_code == 403
    assert helpers.reload(submitted.id).status == "submitted"
