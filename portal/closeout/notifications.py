"""E-mails of the closeout, each in its recipient's language (queued in the outbox and
delivered after the commit): the grantee is told when the grant is closed and when it is
reopened (with the reason); the programme's grants managers are told of a reopening."""

from __future__ import annotations

from portal.awards.notifications import grantee_recipients
from portal.core.urls import external_url
from portal.mail.operations import email_user


def _url(award) -> str:
    return external_url("closeout.checklist", award_id=award.id)


def closed(award, closeout) -> None:
    for user in grantee_recipients(award.application):
        email_user(
            "closeout_closed",
            user,
            award=award,
            application=award.application,
            closeout=closeout,
            url=_url(award),
        )


def reopened(award, closeout) -> None:
    recipients = {u.id: u for u in grantee_recipients(award.application)}
    for manager in award.application.call.programme.managers:
        recipients.setdefault(manager.id, manager)
    for user in recipients.values():
        email_user(
            "closeout_reopened",
            user,
            award=award,
            application=award.application,
            closeout=closeout,
            url=_url(award),
        )
