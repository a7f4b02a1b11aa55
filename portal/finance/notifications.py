"""E-mails of the finance domain: each step of the approval chain tells the next person."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.awards.notifications import grantee_recipients
from portal.core.db import db
from portal.core.urls import external_url
from portal.mail.operations import email_user


def _request_url(request) -> str:
    return external_url("finance.request", request_id=request.id)


def finance_officers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.FINANCE_OFFICER.value, User.is_active)
            .order_by(User.id)
        )
    )


def _send(template: str, users, request, **context) -> None:
    for user in users:
        email_user(
            template,
            user,
            request=request,
            award=request.award,
            url=_request_url(request),
            **context,
        )


def request_submitted(request) -> None:
    """To the programme's grants managers: a deliverable to verify."""
    _send("finance_request_submitted", request.award.application.call.programme.managers, request)


def deliverable_decided(request) -> None:
    """Approved: to finance officers (a payment to approve). Otherwise back to the grantee."""
    if request.status == "deliverable_approved":
        _send("finance_payment_to_approve", finance_officers(), request)
    else:
        _send("finance_request_returned", grantee_recipients(request.award.application), request)


def payment_approved(request) -> None:
    _send("finance_payment_approved", grantee_recipients(request.award.application), request)


def disbursed(request, disbursement) -> None:
    _send(
        "finance_disbursed",
        grantee_recipients(request.award.application),
        request,
        disbursement=disbursement,
    )


def contribution_reported(contribution) -> None:
    for user in finance_officers():
        email_user(
            "finance_cofinance_reported",
            user,
            contribution=contribution,
            award=contribution.award,
            url=external_url("finance.grant", award_id=contribution.award_id),
        )
