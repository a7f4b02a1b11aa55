"""Problems found by browsing the portal as each demo user (QA pass).

An application carried over without a form (empty snapshot, as the finance demo grants
have) still shows its status page instead of failing on the missing questions."""

from __future__ import annotations

from portal.core.db import db
from tests.applications import helpers
from tests.support.factories import add_member, make_user
from tests.support.forms import post_form


def test_status_page_of_an_application_with_an_empty_form_snapshot(app, as_user, call, personas):
    application = helpers.complete(app, call, personas["org_a"], personas["applicant"])
    application = helpers.submit(app, application, personas["applicant"])
    stored = helpers.reload(application.id)
    stored.form_snapshot = {}
    db.session.commit()

    response = as_user(personas["applicant"]).get(f"/applications/{application.id}")
    assert response.status_code == 200
    assert helpers.reload(application.id).snapshot()["questions"] == []


def test_call_page_links_a_viewer_to_the_draft_status_not_the_editor(
    as_user, call, personas, draft
):
    viewer = make_user(roles=("applicant",), locale="en")
    add_member(personas["org_a"], viewer, role="viewer")
    page = as_user(viewer).get(f"/calls/{call.code}").get_data(as_text=True)
    assert f'href="/applications/{draft.id}"' in page
    assert f"/applications/{draft.id}/edit" not in page
    owner_page = as_user(personas["applicant"]).get(f"/calls/{call.code}").get_data(as_text=True)
    assert f"/applications/{draft.id}/edit" in owner_page


def test_budget_row_messages_from_wtforms_follow_the_language(as_user, personas, draft):
    client = as_user(personas["applicant"])
    client.get("/dashboard?lang=es")
    url = f"/applications/{draft.id}/budget"
    data = {
        "version_id": "1",
        "lines-0-id": "",
        "lines-0-category": "nope",
        "lines-0-description": "x" * 400,
        "lines-0-requested": "5",
        "lines-0-cofinance": "",
    }
    body = post_form(client, url, data, form_url=url).get_data(as_text=True)
    assert "Not a valid choice" not in body and "Opción inválida." in body
    assert "cannot be longer" not in body and "no puede tener más de 300 caracteres" in body


def test_staff_list_without_filters_shows_no_invalid_choice(as_user, call, personas):
    client = as_user(personas["grants_manager"])
    for query in ("", "?q=x"):
        body = client.get(f"/calls/{call.code}/applications{query}").get_data(as_text=True)
        assert "is-invalid" not in body and "Not a valid choice" not in body
    body = client.get(f"/calls/{call.code}/applications?status=bogus").get_data(as_text=True)
    assert "Not a valid choice." in body


def test_enter_in_a_field_saves_instead_of_going_to_an_upload(as_user, personas, draft):
    """Implicit submission (Enter) uses the form's first submit button: it must not be an
    upload button."""
    client = as_user(personas["applicant"])
    for page in ("edit", "budget"):
        url = f"/applications/{draft.id}/{page}"
        body = client.get(url).get_data(as_text=True)
        form = body[body.index(f'<form method="post" action="{url}"') :]
        first_button = form[form.index('<button type="submit"') :].split(">", 1)[0]
        assert 'name="upload"' not in first_button, page
