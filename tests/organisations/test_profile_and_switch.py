"""Editing the profile, the organisation switcher and the staff list of organisations."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.organisations.models import Organisation
from tests.organisations.helpers import company_rfc, logged_in, org_form
from tests.support.factories import add_member, make_organisation, make_user
from tests.support.forms import post_form


def _edit_url(org):
    return f"/organisations/{org.id}/edit"


def test_owner_edits_profile_and_the_diff_is_audited(client, personas):
    owner = make_user(locale="en")
    org = make_organisation(owner, rfc=company_rfc("JCE150312AB"), legal_name="Old Name A.C.")
    logged_in(client, owner)
    form_page = client.get(_edit_url(org)).get_data(as_text=True)
    assert 'value="Old Name A.C."' in form_page
    data = org_form(rfc=org.rfc, legal_name="New Name A.C.", website="", cluni="CL-123")
    response = post_form(client, _edit_url(org), data, form_url=_edit_url(org))
    assert response.status_code == 302
    org = db.session.get(Organisation, org.id)
    assert (org.legal_name, org.website, org.cluni) == ("New Name A.C.", None, "CL-123")
    entry = db.session.scalar(
        select(AuditEntry).filter_by(action="organisation.updated", organisation_id=org.id)
    )
    assert entry.organisation_id == org.id
    assert entry.changes["legal_name"] == ["Old Name A.C.", "New Name A.C."]
    assert "rfc" not in entry.changes


def test_edit_to_an_existing_rfc_is_refused_and_flagged(client, personas, outbox):
    owner = make_user(locale="en")
    org = make_organisation(owner, rfc=company_rfc("JCE150312AB"))
    logged_in(client, owner)
    data = org_form(rfc=personas["org_a"].rfc)
    page = post_form(client, _edit_url(org), data, form_url=_edit_url(org))
    assert "already registered" in page.get_data(as_text=True)
    assert db.session.get(Organisation, org.id).rfc == company_rfc("JCE150312AB")
    assert db.session.scalar(
        select(AuditEntry).filter_by(
            action="organisation.duplicate_rfc_attempt", organisation_id=personas["org_a"].id
        )
    )
    assert outbox(to=personas["grants_manager"].email)


def test_staff_see_any_organisation_read_only(client, personas):
    org = personas["org_a"]
    logged_in(client, personas["finance_officer"])
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert org.legal_name in page and "read-only" in page
    assert "Invite a member" not in page and "Change role" not in page
    assert client.get(_edit_url(org)).status_code == 403


def test_other_applicant_learns_nothing(client, personas):
    org = personas["org_a"]
    logged_in(client, personas["other_applicant"])
    for url in (f"/organisations/{org.id}", _edit_url(org), f"/organisations/{org.id}/invite"):
        response = client.get(url)
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert org.legal_name not in text and personas["applicant"].email not in text
    assert client.get("/organisations/999999").status_code == 404


def test_switcher(client, personas):
    user = personas["applicant"]
    second = make_organisation(make_user(), legal_name="Segunda Org A.C.")
    add_member(second, user, "viewer")
    logged_in(client, user)
    mine = client.get("/organisations/").get_data(as_text=True)
    assert "Org A A.C." in mine and "Segunda Org A.C." in mine
    listing = client.get("/organisations/switch").get_data(as_text=True)
    assert "Segunda Org A.C." in listing
    assert "Acting for: Org A A.C." in client.get("/dashboard").get_data(as_text=True)
    data = {"organisation_id": str(second.id), "next": "https://evil.example/"}
    response = post_form(client, "/organisations/switch", data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisations/")
    assert "Acting for: Segunda Org A.C." in client.get("/dashboard").get_data(as_text=True)
    back = {"organisation_id": str(personas["org_a"].id), "next": "/dashboard"}
    response = post_form(client, "/organisations/switch", back)
    assert response.headers["Location"].endswith("/dashboard")


def test_switching_to_a_foreign_organisation_is_404(client, personas):
    logged_in(client, personas["applicant"])
    for value in (str(personas["org_b"].id), "999999", "abc", ""):
        response = post_form(client, "/organisations/switch", {"organisation_id": value})
        assert response.status_code == 404
    assert "Acting for: Org A A.C." in client.get("/dashboard").get_data(as_text=True)


def test_staff_list_searches_and_paginates(client, personas):
    for n in range(30):
        make_organisation(legal_name=f"Paginada {n:02d} A.C.")
    logged_in(client, personas["grants_manager"])
    page1 = client.get("/organisations/all?q=paginada").get_data(as_text=True)
    assert "Paginada 00 A.C." in page1 and "Paginada 29 A.C." not in page1
    assert "30 organisations" in page1
    page2 = client.get("/organisations/all?q=paginada&page=2").get_data(as_text=True)
    assert "Paginada 29 A.C." in page2 and "Paginada 00 A.C." not in page2
    rfc = personas["org_b"].rfc
    by_rfc = client.get(f"/organisations/all?q={rfc[:6].lower()}").get_data(as_text=True)
    assert "Org B S.A. de C.V." in by_rfc and "Org A A.C." not in by_rfc
    odd = client.get("/organisations/all?q=100%25_&page=-3")
    assert odd.status_code == 200 and "No organisation matches" in odd.get_data(as_text=True)
