"""E-mails about amendments, each in its recipient's language (queued in the outbox and
delivered after the commit): the programme's grants managers when one is submitted, the
grantee's owners and signatory when it is decided."""

from __future__ import annotations

from portal.awards.notifications import grantee_recipients
from portal.core.urls import external_url
from portal.mail.operations import email_user


def amendment_url(amendment) -> str:
    return external_url("awards.amendment", amendment_id=amendment.id)


def notify_submitted(amendment, submitted_by) -> None:
    programme = amendment.award.application.call.programme
    for manager in programme.managers:
        if manager.is_active and manager.id != submitted_by.id:
            email_user(
                "amendment_submitted",
                manager,
                amendment=amendment,
                award=amendment.award,
                url=amendment_url(amendment),
            )


def notify_decided(amendment, status: str) -> None:
    for user in grantee_recipients(amendment.award.application):
        email_user(
            "amendment_decided",
            user,
            amendment=amendment,
            award=amendment.award,
            status=status,
            url=amendment_url(amendment),
        )
