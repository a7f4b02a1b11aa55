"""A reviewer's tasks: conflict-of-interest declarations, reviews to score (with the panel's
due date, when the grants manager set one), and for a panel chair the consensus still to
record."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from portal.applications.models import Application
from portal.calls.models import Call
from portal.dashboard.tasks.base import Task, TaskGroup, first_rows
from portal.dashboard.tasks.consensus import consensus_pending
from portal.finance import deadlines
from portal.reviews.models import Assignment, Panel, Review


def groups(user) -> list[TaskGroup]:
    return [_declarations(user), _reviews(user), _consensus(user)]


def _assigned(user, *where):
    return (
        select(Assignment.id, Assignment.assigned_dt, Application.reference, Application.title)
        .add_columns(Call.code, Panel.reviews_due)
        .join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Assignment.call_id)
        .outerjoin(Panel, Panel.call_id == Assignment.call_id)
        .where(
            Assignment.reviewer_id == user.id,
            Application.status == "under_review",
            *where,
        )
        .order_by(Panel.reviews_due.is_(None), Panel.reviews_due, Assignment.assigned_dt)
    )


def _due(day, today) -> dict:
    return {"due": day, "overdue": bool(day and day < today)}


def _declarations(user) -> TaskGroup:
    today = deadlines.today()
    group = TaskGroup("declarations", _("Conflict-of-interest declarations"))
    rows, group.total = first_rows(_assigned(user, Assignment.conflict.is_(None)))
    group.more_url = url_for("reviews.my_assignments")
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=r.code,
            url=url_for("reviews.assignment", assignment_id=r.id),
            action=_("Declare"),
            **_due(r.reviews_due, today),
        )
        for r in rows
    ]
    return group


def _reviews(user) -> TaskGroup:
    today = deadlines.today()
    group = TaskGroup("reviews", _("Reviews to score"))
    query = _assigned(
        user,
        Assignment.conflict.is_(False),
        or_(Review.id.is_(None), Review.status != "submitted"),
    ).outerjoin(Review, and_(Review.assignment_id == Assignment.id))
    rows, group.total = first_rows(query.add_columns(Review.id.label("review_id")))
    group.more_url = url_for("reviews.my_assignments")
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=_("%(code)s · draft saved", code=r.code) if r.review_id else r.code,
            url=url_for("reviews.assignment", assignment_id=r.id) + "#scoring",
            action=_("Continue scoring") if r.review_id else _("Score"),
            **_due(r.reviews_due, today),
        )
        for r in rows
    ]
    return group


def _consensus(user) -> TaskGroup:
    chaired = select(Panel.call_id).where(Panel.chair_id == user.id)
    return consensus_pending(Call.id.in_(chaired))
