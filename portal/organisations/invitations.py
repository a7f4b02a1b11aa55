"""Invitations by e-mail: create, revoke, check and accept. Never commits.

Only the SHA-256 of the random token is stored; the token itself travels in the e-mailed
link. Invitations expire after ``INVITE_TOKEN_MAX_AGE`` seconds and work once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.urls import external_url
from portal.mail.operations import email_user, queue_email
from portal.organisations.models import Invitation, MemberRole, Membership, Organisation
from portal.organisations.operations import OrganisationError, lock


class InvitationError(OrganisationError):
    """Why an invitation cannot be accepted: expired, revoked, used, wrong_email, member."""

    def __init__(self, reason: str, message) -> None:
        super().__init__(message)
        self.reason = reason


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(org: Organisation, inviter, email: str, role: str, language: str = "es"):
    """Create an invitation and e-mail its link. Returns (invitation, token); only the
    token's SHA-256 is stored."""
    email = email.strip().lower()
    role = MemberRole(role).value
    _refuse_duplicate_invitation(org, email)
    token = secrets.token_urlsafe(32)
    now = now_utc()
    invitation = Invitation(
        organisation_id=org.id,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by_id=inviter.id,
        created_dt=now,
        expires_dt=now + timedelta(seconds=current_app.config["INVITE_TOKEN_MAX_AGE"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record(
        "organisation.member_invited",
        invitation,
        changes={"email": email, "role": role},
        organisation_id=org.id,
    )
    _send_invitation(invitation, org, inviter, token, language)
    return invitation, token


def _refuse_duplicate_invitation(org: Organisation, email: str) -> None:
    member = db.session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == org.id, User.email == email)
    )
    if member is not None:
        raise OrganisationError(_l("This person is already a member of the organisation."), "email")
    pending = db.session.scalars(
        select(Invitation).filter_by(organisation_id=org.id, email=email)
    ).all()
    if any(inv.is_open(now_utc()) for inv in pending):
        raise OrganisationError(
            _l("An invitation to this address is already pending. Revoke it to send a new one."),
            "email",
        )


def _send_invitation(invitation, org, inviter, token: str, language: str) -> None:
    url = external_url("organisations.invitation", token=token)
    context = dict(
        organisation=org, inviter=inviter, invitation=invitation, url=url, role=invitation.role
    )
    user = db.session.scalar(select(User).filter_by(email=invitation.email))
    if user is not None:
        email_user("organisation_invitation", user, **context)
    else:
        queue_email("organisation_invitation", to=invitation.email, locale=language, **context)


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.accepted_dt is not None or invitation.revoked_dt is not None:
        raise OrganisationError(_l("This invitation has already been used or revoked."))
    invitation.revoked_dt = now_utc()
    db.session.flush()
    record(
        "organisation.invitation_revoked",
        invitation,
        changes={"email": invitation.email, "role": invitation.role},
        organisation_id=invitation.organisation_id,
    )


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Invitation).filter_by(token_hash=hash_token(token)))


def check_invitation(invitation: Invitation, user=None) -> None:
    """Raise ``InvitationError`` unless ``user`` (if given) may accept ``invitation`` now.

    The address is checked first: someone else holding the link learns nothing more."""
    if user is not None and user.email.lower() != invitation.email:
        raise InvitationError(
            "wrong_email",
            _l(
                "This invitation was sent to a different e-mail address. Log in with the "
                "address that received the invitation to accept it."
            ),
        )
    if invitation.revoked_dt is not None:
        raise InvitationError("revoked", _l("This invitation has been revoked."))
    if invitation.accepted_dt is not None:
        raise InvitationError("used", _l("This invitation has already been used."))
    if invitation.expires_dt <= now_utc():
        raise InvitationError(
            "expired",
            _l("This invitation has expired. Please ask the organisation's owner for a new one."),
        )


def accept_invitation(invitation: Invitation, user) -> Membership:
    """Join the organisation with the invited role."""
    check_invitation(invitation, user)
    org = invitation.organisation
    lock(org)
    if org.membership_of(user) is not None:
        raise InvitationError("member", _l("You are already a member of this organisation."))
    membership = Membership(organisation_id=org.id, user_id=user.id, role=invitation.role)
    db.session.add(membership)
    invitation.accepted_dt = now_utc()
    invitation.accepted_by_id = user.id
    db.session.flush()
    record(
        "organisation.member_joined",
        membership,
        changes={"user_id": user.id, "role": membership.role, "invitation_id": invitation.id},
        organisation_id=org.id,
    )
    return membership
