"""Inviting members by e-mail and accepting, with every way an invitation can fail."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db, now_utc
from portal.organisations.models import Invitation, Membership
from tests.organisations.helpers import logged_in
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.forms import post_form

LINK = re.compile(r"http://localhost(/organisations/invitations/[\w-]+)")


def _invite(client, org, email, role="editor", language="en"):
    url = f"/organisations/{org.id}/invite"
    return post_form(
        client, url, {"email": email, "role": role, "language": language}, form_url=url
    )


def _link(outbox, email) -> str:
    [message] = outbox(to=email)
    return LINK.search(message.body_text).group(1)


def _actions(org):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEntry).filter_by(organisation_id=org.id).order_by(AuditEntry.id)
        )
    ]


def test_invite_stores_only_the_token_hash_and_e_mails_the_link(client, personas, outbox):
    org = personas["org_a"]
    logged_in(client, personas["applicant"])
    response = _invite(client, org, "  Nueva.Persona@Example.org ", language="es")
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation).filter_by(organisation_id=org.id))
    assert (invitation.email, invitation.role) == ("nueva.persona@example.org", "editor")
    expected = now_utc() + timedelta(days=7)
    assert abs((invitation.expires_dt - expected).total_seconds()) < 60
    link = _link(outbox, "nueva.persona@example.org")
    token = link.rsplit("/", 1)[1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    [message] = outbox(to="nueva.persona@example.org")
    assert message.locale == "es" and org.legal_name in message.body_text
    assert "organisation.member_invited" in _actions(org)
    entry = db.session.scalar(
        select(AuditEntry).filter_by(action="organisation.member_invited", organisation_id=org.id)
    )
    assert token not in str(entry.changes)


def test_existing_user_is_e_mailed_in_their_language(client, personas, outbox):
    invitee = make_user(locale="en")
    logged_in(client, personas["applicant"])
    _invite(client, personas["org_a"], invitee.email, language="es")
    [message] = outbox(to=invitee.email)
    assert message.locale == "en"


def test_accept_with_the_invited_address(client, personas, outbox, app):
    org = personas["org_a"]
    invitee = make_user(locale="en")
    logged_in(client, personas["applicant"])
    _invite(client, org, invitee.email, role="viewer")
    link = _link(outbox, invitee.email)
    invitee_client = logged_in(app.test_client(), invitee)
    page = invitee_client.get(link)
    assert page.status_code == 200 and org.legal_name in page.get_data(as_text=True)
    accepted = post_form(invitee_client, link, form_url=link)
    assert accepted.headers["Location"].endswith(f"/organisations/{org.id}")
    membership = db.session.scalar(
        select(Membership).filter_by(organisation_id=org.id, user_id=invitee.id)
    )
    assert membership.role == "viewer" and not membership.is_signatory
    invitation = db.session.scalar(select(Invitation).filter_by(email=invitee.email))
    assert invitation.accepted_by_id == invitee.id and invitation.accepted_dt is not None
    assert "organisation.member_joined" in _actions(org)
    home = invitee_client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Acting for:" in home
    # The link is now used: the member is sent to the organisation, nobody can reuse it.
    again = invitee_client.get(link)
    assert again.status_code == 302


def test_anonymous_visitor_is_asked_to_log_in_and_come_back(client, personas, outbox, app):
    invitee = make_user()
    logged_in(client, personas["applicant"])
    _invite(client, personas["org_a"], invitee.email)
    link = _link(outbox, invitee.email)
    anonymous = app.test_client()
    page = anonymous.get(link).get_data(as_text=True)
    assert f"/login?next={link}" in page
    assert personas["org_a"].legal_name not in page
    refused = post_form(anonymous, link, form_url="/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert db.session.scalar(select(Membership).filter_by(user_id=invitee.id)) is None
    # Logging in from that page comes back to the invitation (safe next).
    login_url = f"/login?next={link}"
    credentials = {"email": invitee.email, "password": DEFAULT_PASSWORD, "next": link}
    back = post_form(anonymous, login_url, credentials, form_url=login_url)
    assert back.headers["Location"].endswith(link)
    assert anonymous.get(link).status_code == 200


def test_wrong_e_mail_is_refused(client, personas, outbox):
    logged_in(client, personas["applicant"])
    _invite(client, personas["org_a"], "someone.else@example.org")
    link = _link(outbox, "someone.else@example.org")
    other = logged_in(client.application.test_client(), personas["other_applicant"])
    page = other.get(link)
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "different e-mail address" in text and personas["org_a"].legal_name not in text
    assert post_form(other, link, form_url="/").status_code == 403
    user_id = personas["other_applicant"].id
    members = db.session.scalars(select(Membership).filter_by(user_id=user_id)).all()
    assert [m.organisation_id for m in members] == [personas["org_b"].id]


def test_expired_invitation(client, personas, outbox, app):
    invitee = make_user()
    logged_in(client, personas["applicant"])
    _invite(client, personas["org_a"], invitee.email)
    link = _link(outbox, invitee.email)
    invitation = db.session.scalar(select(Invitation).filter_by(email=invitee.email))
    invitation.expires_dt = now_utc() - timedelta(minutes=1)
    db.session.commit()
    invitee_client = logged_in(app.test_client(), invitee)
    page = invitee_client.get(link)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert post_form(invitee_client, link, form_url="/").status_code == 410
    assert db.session.scalar(select(Membership).filter_by(user_id=invitee.id)) is None


def test_revoked_invitation(client, personas, outbox, app):
    org = personas["org_a"]
    invitee = make_user()
    logged_in(client, personas["applicant"])
    _invite(client, org, invitee.email)
    link = _link(outbox, invitee.email)
    invitation = db.session.scalar(select(Invitation).filter_by(email=invitee.email))
    show = f"/organisations/{org.id}"
    assert invitee.email in client.get(show).get_data(as_text=True)
    revoke = f"{show}/invitations/{invitation.id}/revoke"
    assert post_form(client, revoke, form_url=show).status_code == 302
    assert db.session.get(Invitation, invitation.id).revoked_dt is not None
    assert "organisation.invitation_revoked" in _actions(org)
    page = logged_in(app.test_client(), invitee).get(link)
    assert page.status_code == 410 and "revoked" in page.get_data(as_text=True)
    # Revoking twice is refused with a message.
    again = post_form(client, revoke, form_url=show, follow_redirects=True)
    assert "already been used or revoked" in again.get_data(as_text=True)


def test_unknown_token_is_404(client, personas):
    logged_in(client, personas["applicant"])
    assert client.get("/organisations/invitations/not-a-real-token").status_code == 404


def test_refuses_inviting_a_member_or_inviting_twice(client, personas, outbox):
    org = personas["org_a"]
    logged_in(client, personas["applicant"])
    member = _invite(client, org, personas["applicant"].email)
    assert "already a member" in member.get_data(as_text=True)
    _invite(client, org, "twice@example.org")
    second = _invite(client, org, "twice@example.org")
    assert "already pending" in second.get_data(as_text=True)
    assert len(outbox(to="twice@example.org")) == 1


def test_invite_form_errors(client, personas):
    org = personas["org_a"]
    logged_in(client, personas["applicant"])
    bad = _invite(client, org, "not-an-address", role="superuser")
    text = bad.get_data(as_text=True)
    assert (
        bad.status_code == 200 and "valid e-mail address" in text and "Not a valid choice" in text
    )
    assert db.session.scalar(select(Invitation).filter_by(organisation_id=org.id)) is None
