"""Owners manage members: roles, removal, the designated signatory, the last owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.organisations.models import Membership
from tests.organisations.helpers import logged_in
from tests.support.factories import add_member, make_user
from tests.support.forms import post_form


def _url(org, membership, action):
    return f"/organisations/{org.id}/members/{membership.id}/{action}"


def _act(client, org, membership, action, data=None):
    show = f"/organisations/{org.id}"
    return post_form(
        client, _url(org, membership, action), data, form_url=show, follow_redirects=True
    )


def _member(membership_id):
    return db.session.get(Membership, membership_id)


def _owner_membership(personas):
    return db.session.scalar(
        select(Membership).filter_by(
            organisation_id=personas["org_a"].id, user_id=personas["applicant"].id
        )
    )


def _last_audit(action):
    return db.session.scalar(
        select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id.desc())
    )


def test_page_lists_members_roles_and_signatory(client, personas):
    org = personas["org_a"]
    colleague = make_user(name="Carla Colega")
    add_member(org, colleague, "viewer")
    page = logged_in(client, personas["applicant"]).get(f"/organisations/{org.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Carla Colega" in text and "Viewer" in text and "Signatory" in text
    assert org.rfc in text and "Nuevo León" in text  # state shown by name


def test_change_role_is_audited(client, personas):
    org = personas["org_a"]
    member = add_member(org, make_user(), "editor")
    logged_in(client, personas["applicant"])
    page = _act(client, org, member, "role", {"role": "viewer"})
    assert "role has been changed" in page.get_data(as_text=True)
    assert _member(member.id).role == "viewer"
    entry = _last_audit("organisation.member_role_changed")
    assert entry.organisation_id == org.id and entry.changes["role"] == ["editor", "viewer"]


def test_last_owner_cannot_be_demoted_or_removed(client, personas):
    org = personas["org_a"]
    owner = _owner_membership(personas)
    other_editor = add_member(org, make_user(), "editor")
    logged_in(client, personas["applicant"])
    _act(client, org, other_editor, "signatory")  # free the owner from signing
    demoted = _act(client, org, owner, "role", {"role": "editor"})
    assert "at least one owner" in demoted.get_data(as_text=True)
    assert _member(owner.id).role == "owner"
    removed = _act(client, org, owner, "remove")
    assert "at least one owner" in removed.get_data(as_text=True)
    assert _member(owner.id) is not None
    # With a second owner, the first may step down.
    second = add_member(org, make_user(), "owner")
    _act(client, org, owner, "role", {"role": "editor"})
    assert _member(owner.id).role == "editor"
    assert _member(second.id).role == "owner"


def test_signatory_is_unique_and_must_be_owner_or_editor(client, personas):
    org = personas["org_a"]
    owner = _owner_membership(personas)
    editor = add_member(org, make_user(), "editor")
    viewer = add_member(org, make_user(), "viewer")
    logged_in(client, personas["applicant"])
    refused = _act(client, org, viewer, "signatory")
    assert "owner or editor" in refused.get_data(as_text=True)
    assert not _member(viewer.id).is_signatory
    _act(client, org, editor, "signatory")
    signatories = db.session.scalars(
        select(Membership.id).filter_by(organisation_id=org.id, is_signatory=True)
    ).all()
    assert signatories == [editor.id]
    entry = _last_audit("organisation.signatory_set")
    assert entry.changes["signatory_user_id"] == [owner.user_id, editor.user_id]
    # The signatory can be neither made a viewer nor removed until another is designated.
    demoted = _act(client, org, editor, "role", {"role": "viewer"})
    assert "Designate another" in demoted.get_data(as_text=True)
    removed = _act(client, org, editor, "remove")
    assert "Designate another signatory" in removed.get_data(as_text=True)
    assert _member(editor.id).role == "editor"


def test_database_refuses_two_signatories(connection, personas):
    org = personas["org_a"]  # the owner is already the signatory
    db.session.add(
        Membership(organisation_id=org.id, user_id=make_user().id, role="editor", is_signatory=True)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_remove_member(client, personas):
    org = personas["org_a"]
    leaving = add_member(org, make_user(), "viewer")
    logged_in(client, personas["applicant"])
    page = _act(client, org, leaving, "remove")
    assert "has been removed" in page.get_data(as_text=True)
    assert _member(leaving.id) is None
    entry = _last_audit("organisation.member_removed")
    assert entry.organisation_id == org.id and entry.changes["user_id"] == leaving.user_id


def test_editors_and_viewers_cannot_manage(client, personas):
    org = personas["org_a"]
    editor_user = make_user()
    add_member(org, editor_user, "editor")
    victim = add_member(org, make_user(), "viewer")
    logged_in(client, editor_user)
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Invite a member" not in page and "Change role" not in page
    show = f"/organisations/{org.id}"
    for action, data in (("role", {"role": "owner"}), ("remove", None), ("signatory", None)):
        response = post_form(client, _url(org, victim, action), data, form_url=show)
        assert response.status_code == 403
    assert _member(victim.id).role == "viewer"
    assert client.get(f"{show}/edit").status_code == 403
    assert client.get(f"{show}/invite").status_code == 403


def test_member_of_another_organisation_is_404(client, personas):
    org_a, org_b = personas["org_a"], personas["org_b"]
    foreign = db.session.scalar(select(Membership).filter_by(organisation_id=org_b.id))
    logged_in(client, personas["applicant"])
    response = _act(client, org_a, foreign, "remove")
    assert response.status_code == 404
    assert _member(foreign.id) is not None


def test_show_page_query_count_does_not_grow_with_members(client, personas, count_queries):
    org = personas["org_a"]
    logged_in(client, personas["applicant"])
    url = f"/organisations/{org.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _ in range(5):
        add_member(org, make_user(), "viewer")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_a_member_may_leave(client, personas):
    org = personas["org_a"]
    viewer_user = make_user(locale="en")
    mine = add_member(org, viewer_user, "viewer")
    logged_in(client, viewer_user)
    show = f"/organisations/{org.id}"
    assert "Leave organisation" in client.get(show).get_data(as_text=True)
    response = post_form(client, _url(org, mine, "remove"), form_url=show)
    assert response.headers["Location"].endswith("/organisations/")
    assert _member(mine.id) is None
    assert client.get(show).status_code == 404
