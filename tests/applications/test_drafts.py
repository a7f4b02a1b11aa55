"""Starting and editing a draft with real forms (CSRF on): the eligibility quiz, answers of
every kind, show-only-if, optimistic locking, autosave and the upload round trip."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from portal.applications import operations
from portal.applications.models import Application
from portal.calls.models import Call
from portal.core.db import db, now_utc
from tests.applications import helpers
from tests.documents import samples
from tests.support.factories import add_member, make_user
from tests.support.forms import csrf_token, post_form


def text(response) -> str:
    return response.get_data(as_text=True)


def count() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def edit_data(client, application_id: int, **answers) -> dict:
    """The edit form as the browser would post it (hidden version_id read from the page)."""
    page = text(client.get(f"/applications/{application_id}/edit"))
    version = re.search(r'name="version_id"[^>]*value="(\d+)"', page).group(1)
    data = {"version_id": version, "title": "Mi proyecto"}
    data.update(answers)
    return data


# Starting ------------------------------------------------------------------------------------
def test_failing_the_quiz_shows_why_and_writes_nothing(as_user, personas, call):
    client = as_user(personas["applicant"])
    url = f"/calls/{call.code}/apply"
    page = text(client.get(url))
    assert "Is the organisation legally registered?" in page
    response = post_form(client, url, {"e_legal_entity": "no", "check": "1"}, form_url=url)
    assert response.status_code == 200
    assert "The organisation must be legally registered." in text(response)
    assert "Save a draft anyway" in text(response)
    assert count() == 0

    response = post_form(client, url, {"e_legal_entity": "yes", "check": "1"}, form_url=url)
    assert response.status_code == 302
    application = db.session.scalars(select(Application)).one()
    assert response.headers["Location"].endswith(f"/applications/{application.id}/edit")
    assert application.eligible is True and application.status == "draft"
    assert application.eligibility_answers == {"legal_entity": "yes"}
    assert application.organisation_id == personas["org_a"].id


def test_an_ineligible_draft_can_be_saved_but_is_flagged(as_user, personas, call):
    client = as_user(personas["applicant"])
    url = f"/calls/{call.code}/apply"
    response = post_form(client, url, {"e_legal_entity": "no", "save_anyway": "1"}, form_url=url)
    assert response.status_code == 302
    application = db.session.scalars(select(Application)).one()
    assert application.eligible is False
    page = text(client.get(f"/applications/{application.id}/edit"))
    assert "you are not eligible" in page
    checklist = text(client.get(f"/applications/{application.id}/submit"))
    assert "Not eligible: The organisation must be legally registered." in checklist


def test_viewers_cannot_start_and_closed_calls_refuse(app, as_user, personas, call, programme):
    viewer = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], viewer, role="viewer")
    assert as_user(viewer).get(f"/calls/{call.code}/apply").status_code == 403

    ended = helpers.make_open_call(app, programme, code="CONV-2026-09")
    db.session.get(Call, ended.id).closes_dt = now_utc() - timedelta(minutes=1)
    db.session.commit()
    response = as_user(personas["applicant"]).get("/calls/CONV-2026-09/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/calls/CONV-2026-09")


def test_call_page_offers_to_apply_and_lists_the_drafts(as_user, personas, call, draft):
    page = text(as_user(personas["applicant"]).get(f"/calls/{call.code}"))
    assert "Start an application" in page
    # A legal form ending with a dot gets no second, sentence one ("A.C..").
    assert "Applying as: Org A A.C." in page and "A.C.." not in page
    assert f"/applications/{draft.id}/edit" in page
    other = text(as_user(personas["other_applicant"]).get(f"/calls/{call.code}"))
    assert f"/applications/{draft.id}" not in other
    staff = text(as_user(personas["grants_manager"]).get(f"/calls/{call.code}"))
    assert "Applications received (0)" in staff


# Answers -------------------------------------------------------------------------------------
def test_answers_of_every_kind_are_saved_as_plain_json(as_user, personas, draft):
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    data = edit_data(
        client,
        draft.id,
        q_project_title="  Mediación  ",
        q_summary="Línea uno\r\nLínea dos",
        q_themes=["mediation", "legal_aid"],
        q_approach="legal_aid",
        q_beneficiaries="1250",
        q_own_funds="1,500.5",
        q_start_date="2027-03-01",
        q_has_partners="no",
    )
    response = post_form(client, url, data, form_url=url)
    assert response.status_code == 302, text(response)
    saved = helpers.reload(draft.id)
    assert saved.title == "Mi proyecto"
    assert saved.answers == {
        "project_title": "Mediación",
        "summary": "Línea uno\nLínea dos",
        "themes": ["mediation", "legal_aid"],
        "approach": "legal_aid",
        "beneficiaries": "1250",
        "own_funds": "1500.50",
        "start_date": "2027-03-01",
        "has_partners": "no",
        "partners": None,
    }
    page = text(client.get(url))
    assert 'value="1500.50"' in page and "Línea uno\nLínea dos" in page


def test_bad_answers_are_refused_and_nothing_changes(as_user, personas, draft):
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    data = edit_data(
        client, draft.id, q_summary="x" * 201, q_beneficiaries="many", q_start_date="31/02/2027"
    )
    response = post_form(client, url, data, form_url=url)
    body = text(response)
    assert response.status_code == 200
    assert "Field cannot be longer than 200 characters." in body
    assert "Not a valid decimal value." in body
    assert "Not a valid date value." in body
    saved = helpers.reload(draft.id)
    assert saved.answers == {} and saved.version_id == 1


def test_show_only_if_is_evaluated_on_the_server(as_user, personas, draft):
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    page = text(client.get(url))
    hidden = re.search(r'data-show-if-key="q_has_partners"[^>]*>', page).group(0)
    assert "hidden" in hidden  # not shown until "yes" is saved
    post_form(client, url, edit_data(client, draft.id, q_has_partners="yes"), form_url=url)
    page = text(client.get(url))
    shown = re.search(r'data-show-if-key="q_has_partners"[^>]*>', page).group(0)
    assert "hidden" not in shown
    checklist = text(client.get(f"/applications/{draft.id}/submit"))
    assert "Answer “Partners”." in checklist
    assert "Upload the document “Letters”." in checklist
    assert f'href="/applications/{draft.id}/edit#q_partners"' in checklist


def test_a_stale_save_is_refused_with_a_clear_message(app, as_user, personas, draft):
    editor = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], editor, role="editor")
    owner_client, editor_client = as_user(personas["applicant"]), as_user(editor)
    url = f"/applications/{draft.id}/edit"
    owner_form = edit_data(owner_client, draft.id, q_project_title="Versión de Ana")
    editor_form = edit_data(editor_client, draft.id, q_project_title="Versión de Marco")

    assert post_form(editor_client, url, editor_form, form_url=url).status_code == 302
    response = post_form(owner_client, url, owner_form, form_url=url)
    assert response.status_code == 409
    assert "Someone else saved this application while you were editing" in text(response)
    assert "Versión de Ana" in text(response)  # the user's text is still on the page
    saved = helpers.reload(draft.id)
    assert saved.answers["project_title"] == "Versión de Marco"
    assert saved.version_id == 2


def test_a_save_racing_another_commit_fails_at_the_database(app, personas, draft):
    """Both requests read version 1; the second UPDATE matches no row (version_id_col)."""
    with helpers.request_context(app):
        mine = operations.load_full(draft.id)
        db.session.execute(  # the other request commits in between
            update(Application.__table__)
            .where(Application.id == draft.id)
            .values(version_id=2, title="Otro")
        )
        with pytest.raises(StaleDataError):
            operations.save_answers(mine, "Mío", {"summary": "x"}, personas["applicant"], 1)
        db.session.rollback()
    assert helpers.reload(draft.id).title == ""


def test_autosave_answers_json_and_detects_conflicts(as_user, personas, draft):
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    data = edit_data(client, draft.id, q_project_title="Autoguardado")
    data["csrf_token"] = csrf_token(client, url)
    response = client.post(url, data=data, headers={"X-Autosave": "1"})
    assert response.status_code == 200
    assert response.json["ok"] and response.json["version_id"] == 2
    assert helpers.reload(draft.id).answers["project_title"] == "Autoguardado"

    response = client.post(url, data=data, headers={"X-Autosave": "1"})  # still version 1
    assert response.status_code == 409 and response.json["stale"] is True
    assert helpers.reload(draft.id).version_id == 2


def test_editors_edit_viewers_only_read(as_user, personas, draft):
    viewer = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], viewer, role="viewer")
    client = as_user(viewer)
    assert client.get(f"/applications/{draft.id}").status_code == 200
    assert client.get(f"/applications/{draft.id}/edit").status_code == 403
    assert client.get(f"/applications/{draft.id}/budget").status_code == 403

    editor = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], editor, role="editor")
    client = as_user(editor)
    assert client.get(f"/applications/{draft.id}/edit").status_code == 200
    page = text(client.get(f"/applications/{draft.id}/submit"))
    assert "Only the owner or the designated signatory" in page
    url = f"/applications/{draft.id}/submit"
    assert post_form(client, url, {"confirm": "y"}, form_url=url).status_code == 403


def test_upload_button_saves_then_returns_to_the_slot(as_user, personas, draft):
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    data = edit_data(client, draft.id, q_project_title="Con archivo", upload="workplan")
    response = post_form(client, url, data, form_url=url)
    upload_url = f"/documents/application/{draft.id}/workplan/upload"
    assert response.headers["Location"].endswith(upload_url)
    assert helpers.reload(draft.id).answers["project_title"] == "Con archivo"

    response = client.post(
        upload_url,
        data={
            "csrf_token": csrf_token(client, upload_url),
            "file": (io.BytesIO(samples.pdf("Plan")), "plan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith(f"/applications/{draft.id}/uploaded")
    back = client.get(f"/applications/{draft.id}/uploaded")
    assert back.headers["Location"].endswith(f"/applications/{draft.id}/edit#slot-workplan")
    assert "plan.pdf" in text(client.get(url))


def test_eligibility_can_be_answered_again(as_user, personas, call):
    client = as_user(personas["applicant"])
    apply_url = f"/calls/{call.code}/apply"
    post_form(client, apply_url, {"e_legal_entity": "no", "save_anyway": "1"}, form_url=apply_url)
    application = db.session.scalars(select(Application)).one()
    url = f"/applications/{application.id}/eligibility"
    response = post_form(
        client,
        url,
        {"e_legal_entity": "yes", "version_id": "1"},
        form_url=url,
        follow_redirects=True,
    )
    assert "According to your answers you are eligible for this call." in text(response)
    assert helpers.reload(application.id).eligible is True


def test_an_autosave_runs_a_fixed_number_of_statements(
    as_user, personas, draft, count_queries, engine
):
    """Issue 18 (deadline surge): the answers page loads neither the budget rows nor the
    call's notices or the programme's managers; whatever the number of answers saved."""
    client = as_user(personas["applicant"])
    url = f"/applications/{draft.id}/edit"
    data = edit_data(client, draft.id, q_project_title="Primera versión")
    data["csrf_token"] = csrf_token(client, url)
    counts = []
    for version, title in ((1, "Primera versión"), (2, "Segunda versión, más larga")):
        data.update(version_id=str(version), q_project_title=title)
        with count_queries() as counter:
            response = client.post(url, data=data, headers={"X-Autosave": "1"})
        assert response.status_code == 200 and response.json["version_id"] == version + 1
        counts.append(counter.count)
    # session, roles, application (call, programme, organisation joined), the call's
    # questions, document slots and quiz, membership, UPDATE, audit chain (lock on
    # PostgreSQL, last hash, INSERT)
    expected = 11 if engine.dialect.name == "postgresql" else 10
    assert counts == [expected, expected], counts
