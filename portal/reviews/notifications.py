"""E-mails of the review domain, each in its recipient's language (queued in the outbox).

Messages to applicants never name reviewers; messages to reviewers never name the applicant
(so they are safe for blind panels)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.urls import external_url
from portal.mail.operations import email_user
from portal.organisations.models import MemberRole


def _users(ids) -> list[User]:
    ids = list(ids)
    if not ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    return sorted((u for u in users if u.is_active), key=lambda u: u.id)


def _assignments_url() -> str:
    return external_url("reviews.my_assignments")


def notify_panel_member(call, panel, user) -> None:
    email_user(
        "review_panel_added",
        user,
        call=call,
        panel=panel,
        assignments_url=_assignments_url(),
    )


def notify_assigned(call, counts: Counter) -> None:
    """One message per reviewer with the number of new applications."""
    for user in _users(counts):
        email_user(
            "review_assigned",
            user,
            call=call,
            count=counts[user.id],
            assignments_url=_assignments_url(),
        )


def notify_reminder(call, user, pending: int) -> None:
    email_user(
        "review_reminder", user, call=call, count=pending, assignments_url=_assignments_url()
    )


def notify_reopened(review, reason: str) -> None:
    user = db.session.get(User, review.reviewer_id)
    if user is not None and user.is_active:
        email_user(
            "review_reopened",
            user,
            reason=reason,
            review_url=external_url("reviews.assignment", assignment_id=review.assignment_id),
        )


def notify_conflict(assignment, note: str) -> None:
    """The programme's managers: an application lost a reviewer."""
    from portal.applications.models import Application

    application = db.session.get(Application, assignment.application_id)
    call = application.call
    reviewer = db.session.get(User, assignment.reviewer_id)
    url = external_url("reviews.assignments", code=call.code)
    for manager in call.programme.managers:
        if manager.is_active:
            email_user(
                "review_conflict",
                manager,
                call=call,
                application=application,
                reviewer=reviewer,
                note=note,
                assignments_url=url,
            )


def _applicant_recipients(application) -> list[User]:
    from portal.applications.notifications import members

    return members(application, (MemberRole.OWNER, MemberRole.EDITOR))


def notify_screening(application, decision) -> None:
    from portal.reviews.constants import SCREENING_REASONS

    for user in _applicant_recipients(application):
        email_user(
            "screening_decision",
            user,
            application=application,
            decision=decision,
            reasons=[SCREENING_REASONS[r] for r in decision.reasons],
            evaluation_url=external_url("reviews.evaluation", application_id=application.id),
            status_url=external_url("applications.status", application_id=application.id),
        )


def notify_decision(application) -> None:
    for user in _applicant_recipients(application):
        email_user(
            "evaluation_summary",
            user,
            application=application,
            evaluation_url=external_url("reviews.evaluation", application_id=application.id),
        )
