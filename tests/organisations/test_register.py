"""Registering an organisation through the real form (CSRF on)."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.organisations.models import Membership, Organisation
from tests.organisations.helpers import company_rfc, logged_in, org_form
from tests.support.factories import make_user
from tests.support.forms import post_form

NEW = "/organisations/new"


def _orgs_with(rfc):
    return db.session.scalars(select(Organisation).filter_by(rfc=rfc)).all()


def _audit(action, **filters):
    return db.session.scalars(
        select(AuditEntry).filter_by(action=action, **filters).order_by(AuditEntry.id)
    ).all()


def test_form_has_labelled_fields(client, personas):
    page = logged_in(client, personas["applicant"]).get(NEW).get_data(as_text=True)
    for label in ("Type of organisation", "Legal name", "Tax residence", "RFC", "State"):
        assert label in page
    assert "Sonora" in page and 'value="26"' in page  # states by name, stored INEGI code


def test_register_makes_owner_and_signatory(client, personas):
    user = personas["applicant"]
    logged_in(client, user)
    response = post_form(client, NEW, org_form(rfc="  jce-150312 ab9 "), form_url=NEW)
    assert response.status_code == 302
    org = _orgs_with("JCE150312AB9")[0]
    assert response.headers["Location"].endswith(f"/organisations/{org.id}")
    assert (org.kind, org.state_code, org.website) == (
        "cso",
        "26",
        "https://justiciacercana.org.mx",
    )
    member = db.session.scalar(select(Membership).filter_by(organisation_id=org.id))
    assert (member.user_id, member.role, member.is_signatory) == (user.id, "owner", True)
    [entry] = _audit("organisation.created", organisation_id=org.id)
    assert entry.organisation_id == org.id and entry.user_id == user.id
    assert entry.changes["rfc"] == "JCE150312AB9"
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Acting for:" in page and "Justicia Cercana, A.C." in page


def test_wrong_check_digit_is_refused(client, personas):
    logged_in(client, personas["applicant"])
    response = post_form(client, NEW, org_form(rfc="SAT970701NN4"), form_url=NEW)
    assert response.status_code == 200
    assert "check digit" in response.get_data(as_text=True)
    assert _orgs_with("SAT970701NN4") == []


def test_generic_rfc_needs_matching_residence(client, personas):
    logged_in(client, personas["applicant"])
    refused = post_form(client, NEW, org_form(rfc="XEXX010101000"), form_url=NEW)
    assert "only for foreign residents" in refused.get_data(as_text=True)
    assert _orgs_with("XEXX010101000") == []
    for name in ("Foreign One Ltd", "Foreign Two Ltd"):  # generic RFCs may repeat
        data = org_form(rfc="XEXX010101000", tax_residence="foreign", legal_name=name)
        assert post_form(client, NEW, data, form_url=NEW).status_code == 302
    assert len(_orgs_with("XEXX010101000")) == 2


def test_other_field_rules(client, personas):
    logged_in(client, personas["applicant"])
    bad = org_form(
        website="javascript:alert(1)", postal_code="8300", state_code="33", legal_name=" "
    )
    page = post_form(client, NEW, bad, form_url=NEW).get_data(as_text=True)
    assert "https://" in page and "5 digits" in page and "Choose a state" in page
    assert "Enter the legal name" in page
    assert _orgs_with(company_rfc()) == []
    ftp = post_form(client, NEW, org_form(website="ftp://x.org"), form_url=NEW)
    assert ftp.status_code == 200 and _orgs_with(company_rfc()) == []


def test_missing_csrf_changes_nothing(client, personas):
    logged_in(client, personas["applicant"])
    response = client.post(NEW, data=org_form())
    assert response.status_code == 400
    assert _orgs_with(company_rfc()) == []


def test_duplicate_rfc_is_refused_and_flagged_to_staff(client, personas, outbox):
    org_a = personas["org_a"]
    english_admin = make_user(roles=("admin",), locale="en", name="Ed English")
    inactive = make_user(roles=("grants_manager",), active=False)  # not told
    logged_in(client, personas["other_applicant"])
    response = post_form(client, NEW, org_form(rfc=org_a.rfc.lower()), form_url=NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already registered" in page and "invite you" in page
    assert org_a.legal_name not in page and personas["applicant"].email not in page
    assert len(_orgs_with(org_a.rfc)) == 1
    [entry] = _audit("organisation.duplicate_rfc_attempt", organisation_id=org_a.id)
    assert entry.organisation_id == org_a.id
    assert entry.user_id == personas["other_applicant"].id
    recipients = {m.recipient: m for m in outbox()}
    told = {personas["grants_manager"].email, personas["admin"].email, english_admin.email}
    assert told <= set(recipients)  # every active grants manager and administrator
    for persona in ("finance_officer", "reviewer", "applicant", "other_applicant"):
        assert personas[persona].email not in recipients
    assert inactive.email not in recipients
    assert recipients[english_admin.email].locale == "en"
    assert org_a.rfc in recipients[english_admin.email].subject
    assert f"/organisations/{org_a.id}" in recipients[english_admin.email].body_text
    sent = len(outbox())
    # A second attempt is audited again, but staff are not e-mailed twice the same day.
    post_form(client, NEW, org_form(rfc=org_a.rfc), form_url=NEW)
    assert len(_audit("organisation.duplicate_rfc_attempt", organisation_id=org_a.id)) == 2
    assert len(outbox()) == sent


def test_staff_e_mail_follows_recipient_language(client, personas, outbox):
    spanish_gm = make_user(roles=("grants_manager",), locale="es")
    logged_in(client, personas["other_applicant"])
    post_form(client, NEW, org_form(rfc=personas["org_a"].rfc), form_url=NEW)
    [message] = outbox(to=spanish_gm.email)
    assert message.locale == "es"
