"""E-mails of the awards domain, each in its recipient's language (queued in the outbox and
delivered after the commit)."""

from __future__ import annotations

from portal.core.urls import external_url
from portal.mail.operations import email_user
from portal.organisations.models import MemberRole


def grantee_recipients(application) -> list:
    """Owners and the signatory of the applicant organisation."""
    from sqlalchemy import or_, select

    from portal.accounts.models import User
    from portal.core.db import db
    from portal.organisations.models import Membership

    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == application.organisation_id,
                or_(Membership.role == MemberRole.OWNER.value, Membership.is_signatory),
                User.is_active,
            )
            .order_by(User.id)
        )
    )


def _award_url(award) -> str:
    return external_url("awards.award", award_id=award.id)


def _to_grantee(template: str, application, **context) -> None:
    for user in grantee_recipients(application):
        email_user(template, user, application=application, **context)


def notify_awarded(award) -> None:
    _to_grantee("award_granted", award.application, award=award, url=_award_url(award))


def notify_waitlisted(application) -> None:
    _to_grantee(
        "award_waitlisted",
        application,
        url=external_url("applications.status", application_id=application.id),
    )


def notify_declined(application) -> None:
    _to_grantee(
        "award_declined",
        application,
        url=external_url("awards.decline_letter", application_id=application.id),
    )


def notify_approval_needed(award) -> None:
    programme = award.application.call.programme
    for manager in programme.managers:
        if manager.id != award.proposed_by_id and manager.is_active:
            email_user("award_approval_needed", manager, award=award, url=_award_url(award))


def notify_approval_refused(award, reason: str) -> None:
    email_user(
        "award_approval_refused",
        award.proposed_by,
        award=award,
        reason=reason,
        url=_award_url(award),
    )


def notify_agreement_issued(award, agreement) -> None:
    _to_grantee(
        "agreement_issued",
        award.application,
        award=award,
        agreement=agreement,
        url=_award_url(award),
    )


def notify_grantee_signed(agreement) -> None:
    award = agreement.award
    for manager in award.application.call.programme.managers:
        if manager.is_active:
            email_user("agreement_countersign", manager, agreement=agreement, url=_award_url(award))


def notify_active(agreement) -> None:
    _to_grantee(
        "agreement_active",
        agreement.award.application,
        agreement=agreement,
        url=_award_url(agreement.award),
    )
