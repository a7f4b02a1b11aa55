"""E-mails about applications, each in its recipient's language (queued in the outbox)."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.urls import external_url
from portal.mail.operations import email_user
from portal.organisations.models import MemberRole, Membership


def members(application, roles) -> list[User]:
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == application.organisation_id,
            Membership.role.in_([r.value for r in roles]),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(stmt))


def _unique(users) -> list[User]:
    seen, found = set(), []
    for user in users:
        if user is not None and user.id not in seen:
            seen.add(user.id)
            found.append(user)
    return found


def _links(application) -> dict:
    return {
        "status_url": external_url("applications.status", application_id=application.id),
        "acknowledgement_url": external_url(
            "applications.acknowledgement", application_id=application.id
        ),
    }


def notify_submitted(application, submitter) -> None:
    """The submitter and the organisation's owners."""
    recipients = _unique([submitter, *members(application, (MemberRole.OWNER,))])
    for user in recipients:
        email_user(
            "application_submitted",
            user,
            application=application,
            call=application.call,
            organisation=application.organisation,
            **_links(application),
        )


def notify_information_requested(application, message) -> None:
    """Owners and editors, who can answer."""
    for user in members(application, (MemberRole.OWNER, MemberRole.EDITOR)):
        email_user(
            "application_information_requested",
            user,
            application=application,
            message=message,
            **_links(application),
        )


def notify_information_provided(application, message) -> None:
    """The staff members who asked in this thread."""
    from portal.applications.models import ApplicationMessage

    asked = db.session.scalars(
        select(User)
        .join(ApplicationMessage, ApplicationMessage.author_id == User.id)
        .where(
            ApplicationMessage.application_id == application.id,
            ApplicationMessage.from_staff.is_(True),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ).all()
    for user in _unique(asked):
        email_user(
            "application_information_provided",
            user,
            application=application,
            message=message,
            organisation=application.organisation,
            **_links(application),
        )
