"""Access matrix: every organisation route, requested as each of the seven personas.

The other applicant (owner of organisation B) must get 403/404 on organisation A's pages and
actions; staff read any organisation but change none.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.organisations.models import Invitation, Organisation
from tests.organisations.helpers import company_rfc, make_invitation, org_form
from tests.support.factories import add_member, make_user
from tests.support.matrix import LOGGED_IN, STAFF

OWNER = {"applicant"}
HOMOCLAVES = dict(zip(sorted(LOGGED_IN | {"anonymous"}), "BCDEFGHJ", strict=False))


def _new_org_data(persona):
    return org_form(rfc=company_rfc(f"JCE150312A{HOMOCLAVES[persona]}"))


def test_my_organisations_register_and_switch(matrix, personas):
    matrix.check("/organisations/", LOGGED_IN)
    matrix.check("/organisations/new", LOGGED_IN)
    matrix.check("/organisations/new", LOGGED_IN, method="POST", data_for=_new_org_data)
    expected = {_new_org_data(p)["rfc"] for p in LOGGED_IN}
    created = db.session.scalars(select(Organisation.rfc).where(Organisation.rfc.in_(expected)))
    assert set(created) == expected  # each a real registration, not a form error
    matrix.check("/organisations/switch", LOGGED_IN)
    org_a = personas["org_a"]
    matrix.check("/organisations/switch", OWNER, method="POST", data={"organisation_id": org_a.id})


def test_staff_list(matrix):
    matrix.check("/organisations/all", STAFF)
    matrix.check("/organisations/all?q=org&page=1", STAFF)


def test_organisation_pages(matrix, personas):
    base = f"/organisations/{personas['org_a'].id}"
    matrix.check(base, OWNER | STAFF)
    matrix.check(f"{base}/edit", OWNER)
    edit = org_form(rfc=company_rfc("JCE150312AZ"), legal_name="Org A A.C.")
    matrix.check(f"{base}/edit", OWNER, method="POST", data=edit)
    matrix.check(f"{base}/invite", OWNER)
    invite = {"email": "new.member@example.org", "role": "viewer", "language": "es"}
    matrix.check(f"{base}/invite", OWNER, method="POST", data=invite)


def test_member_actions(matrix, personas):
    org_a = personas["org_a"]
    base = f"/organisations/{org_a.id}"
    members = {
        action: add_member(org_a, make_user(), "editor")
        for action in ("role", "signatory", "remove")
    }
    matrix.check(f"{base}/members/{members['role'].id}/role", OWNER, "POST", {"role": "viewer"})
    matrix.check(f"{base}/members/{members['signatory'].id}/signatory", OWNER, "POST")
    matrix.check(f"{base}/members/{members['remove'].id}/remove", OWNER, "POST")
    make_invitation(org_a, personas["applicant"], "pending@example.org")
    invitation = db.session.scalar(select(Invitation).filter_by(email="pending@example.org"))
    matrix.check(f"{base}/invitations/{invitation.id}/revoke", OWNER, "POST")


def test_accepting_an_invitation(matrix, personas):
    """Organisation B invites the applicant: only that address may accept; anonymous
    visitors get a page asking them to log in, without the organisation's name."""
    token = make_invitation(
        personas["org_b"], personas["other_applicant"], personas["applicant"].email
    )
    url = f"/organisations/invitations/{token}"
    matrix.check(url, {"anonymous", "applicant"})
    matrix.check(url, OWNER, method="POST")
