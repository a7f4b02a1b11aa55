"""Pages with real forms (CSRF on): programmes, calls, publication, public pages, the
eligibility check and the form builder."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.calls.models import Call, Programme
from portal.core.db import db
from tests.calls.helpers import call_form, make_call, reload
from tests.support.forms import post_form


def text(response) -> str:
    return response.get_data(as_text=True)


# Programmes --------------------------------------------------------------------------------
def test_grants_manager_creates_a_programme_and_manages_it(as_user, personas):
    gm = personas["grants_manager"]
    client = as_user(gm)
    response = post_form(
        client,
        "/programmes/new",
        {
            "name_es": "Fondo",
            "name_en": "Fund",
            "donor": "Donante",
            "currency": "USD",
            "envelope": "250,000.50",
        },
        form_url="/programmes/new",
    )
    assert response.status_code == 302
    programme = db.session.scalars(select(Programme)).one()
    assert programme.envelope == Decimal("250000.50")
    assert [m.id for m in programme.managers] == [gm.id]  # the creator manages it
    assert client.get(f"/programmes/{programme.id}/edit").status_code == 200


def test_programme_refusals(as_user, personas):
    client = as_user(personas["admin"])
    response = post_form(
        client,
        "/programmes/new",
        {"name_es": "", "name_en": "Fund", "donor": "D", "currency": "EUR", "envelope": "1.234"},
        form_url="/programmes/new",
    )
    body = text(response)
    assert response.status_code == 200
    assert "Enter the name in Spanish." in body
    assert "Use at most two decimal places." in body
    assert "Not a valid choice" in body
    assert db.session.scalar(select(Programme.id)) is None


def test_currency_is_fixed_once_the_programme_has_calls(as_user, personas, programme, draft_call):
    client = as_user(personas["grants_manager"])
    url = f"/programmes/{programme.id}/edit"
    response = post_form(
        client,
        url,
        {
            "name_es": "F",
            "name_en": "F",
            "donor": "D",
            "currency": "USD",
            "envelope": "10000000",
            "manager_ids": [personas["grants_manager"].id],
        },
        form_url=url,
    )
    assert "The currency cannot change once the programme has calls." in text(response)
    assert reload(Programme, programme.id).currency == "MXN"


# Calls -------------------------------------------------------------------------------------
def test_create_call_in_hermosillo_time(as_user, personas, programme):
    client = as_user(personas["grants_manager"])
    url = f"/programmes/{programme.id}/calls/new"
    response = post_form(client, url, call_form(), form_url=url)
    assert response.status_code == 302, text(response)
    assert response.headers["Location"].endswith("/calls/CONV-2026-07/manage")
    call = db.session.scalars(select(Call)).one()
    assert call.closes_dt == datetime(2026, 12, 16, 6, 59, tzinfo=UTC)
    assert call.opens_dt == datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
    assert call.budget == Decimal("1500000.00")
    assert call.currency == "MXN"
    assert call.thematic_areas == [
        {"es": "Mediación", "en": "Mediation"},
        {"es": "Defensoría", "en": "Legal aid"},
    ]
    assert [i.value for i in call.instruments] == ["fixed_amount", "cost_reimbursable"]
    # The edit form shows the dates again in the call's own zone.
    assert 'value="2026-12-15T23:59"' in text(client.get("/calls/CONV-2026-07/edit"))


def test_call_form_refusals_are_shown_and_change_nothing(as_user, personas, programme):
    client = as_user(personas["grants_manager"])
    url = f"/programmes/{programme.id}/calls/new"
    cases = [
        (
            {"closes_dt": "2026-10-01T09:00"},
            "The closing date and time must be after the opening date and time.",
        ),
        ({"min_award": "400000"}, "The maximum award cannot be smaller than the minimum award."),
        ({"code": "conv_2026"}, "each other part has 1 to 8 characters"),
        ({"cofinance_min_pct": "101"}, "The percentage must be between 0 and 100."),
        ({"thematic_areas_en": "Only one"}, "Give one English line for each Spanish line."),
        (
            {"timezone": "America/Tijuana", "opens_dt": "2026-03-08T02:30"},
            "This time does not exist in the chosen time zone",
        ),
    ]
    for overrides, message in cases:
        response = post_form(client, url, call_form(**overrides), form_url=url)
        assert response.status_code == 200
        assert message in text(response), message
    assert db.session.scalar(select(Call.id)) is None


def test_publish_from_the_manage_page(as_user, personas, draft_call):
    client = as_user(personas["grants_manager"])
    assert "The call is complete and can be published." in text(
        client.get("/calls/CONV-2026-01/manage")
    )
    response = post_form(
        client,
        "/calls/CONV-2026-01/status",
        {"to": "published"},
        form_url="/calls/CONV-2026-01/manage",
        follow_redirects=True,
    )
    assert "Call published." in text(response)
    call = reload(Call, draft_call.id)
    assert call.status == "published"
    assert call.published_dt is not None


def test_refused_publication_lists_the_problems(app, as_user, personas, programme):
    make_call(app, programme, code="CONV-2026-03", budget=None, max_award=None)
    client = as_user(personas["admin"])
    response = post_form(
        client, "/calls/CONV-2026-03/status", {"to": "published"}, follow_redirects=True
    )
    assert "Set the budget and the minimum and maximum award." in text(response)
    assert db.session.scalar(select(Call.status).where(Call.code == "CONV-2026-03")) == "draft"


def test_editing_a_published_call_is_audited(as_user, personas, published_call):
    client = as_user(personas["grants_manager"])
    url = "/calls/CONV-2026-02/edit"
    page = text(client.get(url))
    assert "every change is recorded in the audit log" in page
    form = call_form(
        code="CONV-2026-02",
        title_en="Access to justice (extended)",
        timezone="America/Mexico_City",
        opens_dt="2026-01-01T00:00",
        closes_dt="2030-01-01T00:00",
        budget="2000000",
        min_award="100000",
        max_award="500000",
        cofinance_min_pct="20",
        applicant_kinds=["cso", "academic"],
        thematic_areas_es="Mediación",
        thematic_areas_en="Mediation",
        instruments=["fixed_amount"],
        in_kind_counts="y",
        title_es="Acceso a la justicia",
        description_es="Primera línea.\nSegunda línea.",
        description_en="First line.\nSecond line.",
    )
    response = post_form(client, url, form, form_url=url)
    assert response.status_code == 302, text(response)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call.updated")).one()
    assert entry.changes["title_en"] == ["Access to justice", "Access to justice (extended)"]
    assert entry.changes["closes_dt"][1] == "2030-01-01T06:00:00+00:00"
    assert entry.user_id == personas["grants_manager"].id


# Public pages ------------------------------------------------------------------------------
def test_public_list_shows_open_calls_first_with_the_deadline_in_the_call_zone(
    app, anon, programme, draft_call, published_call
):
    make_call(app, programme, code="CONV-2024-01", status="closed", timezone="America/Hermosillo")
    body = text(anon.get("/calls/"))
    assert "CONV-2026-02" in body and "CONV-2024-01" in body
    assert "CONV-2026-01" not in body  # draft
    assert body.index("CONV-2026-02") < body.index("CONV-2024-01")
    # An anonymous reader's zone is the programme's (central Mexico); the Sonora call adds its own.
    assert "(Central Mexico time)" in body and "Call time:" in body and "(Sonora time)" in body


def test_public_detail(anon, published_call):
    body = text(anon.get("/calls/CONV-2026-02"))
    assert "Access to justice" in body
    assert "First line.<br>Second line." in body
    assert "Work plan" in body and "PDF" in body  # documents required
    assert "Summary" in body and "up to 2000 characters" in body  # form preview
    assert "MXN" in body and "500,000.00" in body
    assert "Check whether you are eligible" in body


def test_deadline_shown_in_the_users_zone_first(app, as_user, personas, published_call):
    user = personas["applicant"]
    with app.app_context():
        db.session.get(type(user), user.id).timezone = "America/Cancun"
        db.session.commit()
    body = text(as_user(user).get("/calls/CONV-2026-02"))
    # The reader's own zone first, then the call's.
    assert body.index("(Quintana Roo time)") < body.index("Call time:")
    assert "(Central Mexico time)" in body


def test_drafts_are_hidden_from_the_public(anon, as_user, personas, draft_call):
    assert anon.get("/calls/CONV-2026-01").status_code == 404
    assert as_user(personas["applicant"]).get("/calls/CONV-2026-01").status_code == 404
    assert as_user(personas["grants_manager"]).get("/calls/CONV-2026-01").status_code == 200


# Eligibility -------------------------------------------------------------------------------
def test_eligibility_check_anonymous(anon, published_call):
    url = "/calls/CONV-2026-02/eligibility"
    body = text(anon.get(url + "?check=1&q_legal_entity=no"))
    assert "You are not eligible for this call:" in body
    assert "The organisation must be legally registered." in body
    body = text(anon.get(url + "?check=1&q_legal_entity=yes"))
    assert "you are eligible for this call" in body
    assert "Please answer every question." in text(anon.get(url + "?check=1"))
    assert "You are not eligible" not in text(anon.get(url))


def test_eligibility_check_considers_the_users_organisation(app, as_user, personas, programme):
    # org_a is a CSO in Nuevo León (19); this call is only for academic bodies in Sonora (26).
    make_call(
        app,
        programme,
        code="CONV-2026-04",
        status="published",
        applicant_kinds=["academic"],
        all_states=False,
        state_codes=["26"],
        actor=personas["admin"],
    )
    body = text(
        as_user(personas["applicant"]).get(
            "/calls/CONV-2026-04/eligibility?check=1&q_legal_entity=yes"
        )
    )
    assert "not open to this type of organisation (Civil-society organisation)" in body
    assert "not open to organisations based in Nuevo León" in body


# Form builder ------------------------------------------------------------------------------
def test_add_choice_question_with_bad_then_good_options(as_user, personas, draft_call):
    client = as_user(personas["grants_manager"])
    url = "/calls/CONV-2026-01/form/new"
    data = {
        "key": "sector",
        "kind": "single_choice",
        "label_es": "Sector",
        "label_en": "Sector",
        "options": "cso | OSC | CSO\nAcademia | x",
    }
    response = post_form(client, url, data, form_url=url)
    assert "Line 2: write key | Spanish label | English label." in text(response)
    data["options"] = "cso | OSC | CSO\r\nacademic | Academia | Academia"
    response = post_form(client, url, data, form_url=url)
    assert response.status_code == 302
    call = reload(Call, draft_call.id)
    assert [q.key for q in call.questions] == ["summary", "sector"]
    assert call.questions[1].options[1] == {"key": "academic", "es": "Academia", "en": "Academia"}


def test_form_edits_after_publication_create_versions(as_user, personas, published_call):
    client = as_user(personas["grants_manager"])
    url = "/calls/CONV-2026-02/form/new"
    data = {"key": "team", "kind": "short_text", "label_es": "Equipo", "label_en": "Team"}
    assert post_form(client, url, data, form_url=url).status_code == 302
    call = reload(Call, published_call.id)
    assert call.form_version == 2
    page = text(client.get("/calls/CONV-2026-02/form"))
    assert "Version 1" in page and "Version 2" in page
    question = next(q for q in call.questions if q.key == "team")
    response = post_form(
        client,
        f"/calls/CONV-2026-02/form/{question.id}/move",
        {"direction": "up"},
        form_url="/calls/CONV-2026-02/form",
    )
    assert response.status_code == 302
    assert [q.key for q in reload(Call, published_call.id).questions] == ["team", "summary"]


def test_delete_and_notice_flow(as_user, personas, draft_call):
    client = as_user(personas["grants_manager"])
    call = reload(Call, draft_call.id)
    slot_id = call.document_slots[0].id
    response = post_form(
        client, f"/calls/CONV-2026-01/documents/{slot_id}/delete", {}, follow_redirects=True
    )
    assert "Document slot deleted." in text(response)
    url = "/calls/CONV-2026-01/notices/new"
    response = post_form(
        client,
        url,
        {
            "kind": "faq",
            "title_es": "¿Quién?",
            "title_en": "Who?",
            "body_es": "Todas.",
            "body_en": "Everyone.",
        },
        form_url=url,
    )
    assert response.status_code == 302
    assert "Who?" in text(client.get("/calls/CONV-2026-01"))


def test_call_form_states_the_code_rule_and_the_envelope_left(as_user, personas, draft_call):
    """The code's help text gives the whole rule (8 characters per part); the budget field
    shows what the programme's envelope still leaves before a larger budget is refused."""
    client = as_user(personas["grants_manager"])
    # draft_call budgets 2,000,000 of the 10,000,000 envelope.
    page = text(client.get(f"/programmes/{draft_call.programme_id}/calls/new")).replace("\xa0", " ")
    assert "each other part has 1 to 8 characters; at most 30 characters in all." in page
    assert (
        "The programme has MXN 8,000,000.00 left of its envelope of MXN 10,000,000.00 for this "
        "call." in page
    )
    assert 'aria-describedby="budget-help"' in page
    # Editing the call itself: its own budget is not counted against it.
    page = text(client.get(f"/calls/{draft_call.code}/edit")).replace("\xa0", " ")
    assert "The programme has MXN 10,000,000.00 left of its envelope" in page
