"""Blueprint ``reviews``: staff pages of a call's evaluation, reviewers' pages, the applicant's
evaluation summary. The routes live in sibling modules split by audience and register
themselves on ``bp``; this module holds the loaders that every route starts with.

Loaders answer 404 for what the user may not know exists (another reviewer's assignment, an
application outside the call) and 403 for staff without rights on the call's programme.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_login import current_user
from sqlalchemy import select

from portal.applications.models import Application
from portal.calls.views import load_call
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.forms import apply_errors
from portal.reviews import operations
from portal.reviews.models import Assignment
from portal.reviews.permissions import can_manage_reviews, can_record_consensus, owns_assignment

bp = Blueprint("reviews", __name__)


@bp.record_once
def _setup(state) -> None:
    from portal.reviews.setup import init_app

    init_app(state.app)


# Loaders -----------------------------------------------------------------------------------------
def managed_call(code: str):
    """The call for its programme's grants managers and administrators (others: 403/404)."""
    if not current_user.is_authenticated or not current_user.is_staff:
        abort(404)
    call = load_call(code)
    if not can_manage_reviews(call, current_user):
        abort(403)
    return call


def consensus_call(code: str):
    """The call and its panel for managers and the panel's chair; 404 for everyone else."""
    call = load_call(code)
    panel = operations.panel_of(call)
    if not can_record_consensus(call, panel, current_user):
        abort(404)
    return call, panel


def application_in(call, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.call_id != call.id or not application.was_submitted:
        abort(404)
    return application


def my_assignment(assignment_id: int) -> Assignment:
    """The current reviewer's own assignment; anyone else's is a 404."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not owns_assignment(assignment, current_user):
        abort(404)
    return assignment


def assignments_of(user_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.reviewer_id == user_id)
            .order_by(Assignment.assigned_dt.desc(), Assignment.id.desc())
        )
    )


# Running operations ------------------------------------------------------------------------------
def run(form, operation, *args, message: str | None = None, **kwargs):
    """Run an operation; commit and flash on success, or put its refusal on the form."""
    try:
        result = operation(*args, **kwargs)
    except InputError as refused:
        db.session.rollback()
        apply_errors(form, refused.errors)
        return None
    db.session.commit()
    if message:
        flash(message, "success")
    return result if result is not None else True


def run_action(operation, *args, message: str | None = None, **kwargs):
    """For buttons: flash the refusal instead of showing it on a form."""
    try:
        result = operation(*args, **kwargs)
    except InputError as refused:
        db.session.rollback()
        for messages in refused.errors.values():
            for text in messages:
                flash(text, "danger")
        return None
    db.session.commit()
    if message:
        flash(message, "success")
    return result if result is not None else True


# The routes register themselves on ``bp``.
from portal.reviews import (  # noqa: E402, F401
    consensus_views,
    feedback_views,
    panel_views,
    ranking_views,
    reviewer_views,
    screening_views,
    staff_views,
)
