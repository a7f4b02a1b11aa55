"""What reviewers do: declare a conflict of interest (or none), save and submit reviews; and
what staff do to reviews: reopen one with a logged reason, remind reviewers with pending work.

Operations validate, change, audit and flush; they never commit. Refusals raise
``InputError`` with messages keyed by the form's field names (``score_<criterion id>``,
``comment_<criterion id>``).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.constants import ApplicationStatus
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.reviews import scoring
from portal.reviews.constants import ReviewStatus
from portal.reviews.models import Assignment, Review, ReviewScore
from portal.reviews.states import ASSIGNMENT, REVIEW


def specs(rubric) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(c.id, Decimal(c.weight), Decimal(c.max_score), c.min_score)
        for c in rubric.criteria
    ]


def review_of(assignment: Assignment) -> Review | None:
    return db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))


# Conflict of interest ----------------------------------------------------------------------------
def declare(assignment: Assignment, actor, *, conflict: bool, note: str | None) -> Assignment:
    if not ASSIGNMENT.can(assignment, "declare_conflict"):
        raise InputError({"": [_("You have already made your declaration for this application.")]})
    note = (note or "").strip()
    if conflict and not note:
        raise InputError({"note": [_("Describe the conflict of interest.")]})
    assignment.conflict_note = note or None
    assignment.declared_dt = now_utc()
    ASSIGNMENT.move(
        assignment,
        "declare_conflict" if conflict else "declare_no_conflict",
        changes={
            "application_id": assignment.application_id,
            "conflict": bool(conflict),
            **({"note": note} if note else {}),
        },
    )
    db.session.flush()
    if conflict:
        from portal.reviews.notifications import notify_conflict

        notify_conflict(assignment, note)
    return assignment


# Scoring -----------------------------------------------------------------------------------------
def _entry_errors(rubric, entries: dict, submit: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for criterion in rubric.criteria:
        score, comment = entries.get(criterion.id, (None, ""))
        key = f"score_{criterion.id}"
        if score is not None:
            problem = scoring.score_problems(
                score, Decimal(criterion.max_score), rubric.half_points
            )
            if problem == "range":
                errors[key] = [
                    _(
                        "Enter a score from 0 to %(max)s.",
                        max=scoring.rounded(criterion.max_score, Decimal(1)),
                    )
                ]
            elif problem == "step":
                errors[key] = [
                    _("Use half points (such as 3.5).")
                    if rubric.half_points
                    else _("Use whole points (half points are not allowed).")
                ]
        elif submit:
            errors[key] = [_("Score this criterion before submitting.")]
        if submit and criterion.comments_required and not (comment or "").strip():
            errors[f"comment_{criterion.id}"] = [_("A comment is required for this criterion.")]
    return errors


def save_review(
    assignment: Assignment, rubric, actor, *, entries: dict, overall_comment: str, submit: bool
) -> Review:
    """Save the draft (any valid scores so far) or submit it (everything scored).

    ``entries``: criterion id → (score or None, comment)."""
    if assignment.conflict is not False:
        raise InputError({"": [_("Declare your conflict of interest first.")]})
    from portal.applications.models import Application

    application = db.session.get(Application, assignment.application_id)
    if application.status != ApplicationStatus.UNDER_REVIEW:
        raise InputError({"": [_("This application is no longer under review.")]})
    if rubric is None or not rubric.criteria:
        raise InputError({"": [_("The rubric of this call has no criteria yet.")]})
    review = review_of(assignment)
    if review is not None and review.is_submitted:
        raise InputError({"": [_("This review was submitted and can no longer be changed.")]})
    errors = _entry_errors(rubric, entries, submit)
    if errors:
        raise InputError(errors)
    now = now_utc()
    if review is None:
        review = Review(
            assignment_id=assignment.id,
            call_id=assignment.call_id,
            application_id=assignment.application_id,
            reviewer_id=assignment.reviewer_id,
            created_dt=now,
        )
        db.session.add(review)
    _store_scores(review, rubric, entries)
    review.overall_comment = (overall_comment or "").strip()
    review.updated_dt = now
    if submit:
        _submit(review, rubric, entries, now)
    db.session.flush()
    return review


def _store_scores(review: Review, rubric, entries: dict) -> None:
    existing = {s.criterion_id: s for s in review.scores}
    for criterion in rubric.criteria:
        score, comment = entries.get(criterion.id, (None, ""))
        row = existing.get(criterion.id)
        if row is None:
            row = ReviewScore(criterion_id=criterion.id)
            review.scores.append(row)
        row.score = score
        row.comment = (comment or "").strip()


def _submit(review: Review, rubric, entries: dict, now) -> None:
    db.session.flush()  # the draft first: the review's id goes into the audit entry
    scores = {cid: entries[cid][0] for cid in entries}
    points = scoring.weighted_points(specs(rubric), scores)
    total = scoring.weighted_total(specs(rubric), scores)
    review.points = points
    review.submitted_dt = now
    REVIEW.move(
        review,
        "submit",
        changes={
            "application_id": review.application_id,
            "scores": {str(k): v for k, v in scores.items()},
            "points": points,
            "total": scoring.rounded(total),
        },
    )
    db.session.flush()


def reopen(review: Review, actor, reason: str) -> Review:
    reason = (reason or "").strip()
    if not reason:
        raise InputError({"reason": [_("Give the reason for reopening the review.")]})
    if not REVIEW.can(review, "reopen"):
        raise InputError({"": [_("Only a submitted review can be reopened.")]})
    before = {"status": review.status, "points": review.points}
    review.points = None
    review.submitted_dt = None
    review.reopened_dt = now_utc()
    review.reopen_reason = reason
    REVIEW.move(
        review,
        "reopen",
        changes={"application_id": review.application_id, "reason": reason, "before": before},
    )
    db.session.flush()
    from portal.reviews.notifications import notify_reopened

    notify_reopened(review, reason)
    return review


# Reminders ---------------------------------------------------------------------------------------
def pending_work(call) -> dict[int, int]:
    """Reviewer id → number of their applications under review without a submitted review
    (not yet declared, or declared without conflict)."""
    from portal.applications.models import Application

    rows = db.session.execute(
        select(Assignment.reviewer_id, Review.status)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.call_id == call.id,
            Assignment.conflict.is_not(True),
            Application.status == ApplicationStatus.UNDER_REVIEW.value,
        )
    )
    pending: dict[int, int] = {}
    for reviewer_id, status in rows:
        if status != ReviewStatus.SUBMITTED:
            pending[reviewer_id] = pending.get(reviewer_id, 0) + 1
    return pending


def send_reminders(call, actor) -> int:
    from portal.accounts.models import User
    from portal.reviews.notifications import notify_reminder

    pending = pending_work(call)
    users = (
        db.session.scalars(select(User).where(User.id.in_(list(pending)))).all() if pending else []
    )
    sent = 0
    for user in sorted(users, key=lambda u: u.id):
        if user.is_active:
            notify_reminder(call, user, pending[user.id])
            sent += 1
    record(
        "review.reminders_sent",
        call,
        changes={"call": call.code, "reviewers": sorted(u.id for u in users if u.is_active)},
    )
    return sent
