"""Blueprint ``reviews``: staff pages of a call's evaluation, reviewers' pages, the applicant's
evaluation summary. The routes live in sibling modules split by audience and register
themselves on ``bp``; this module holds the loaders that every route starts with. Forms and
buttons are run by ``portal.core.views.run`` and ``run_action``.

Loaders answer 404 for what the user may not know exists (another reviewer's assignment, an
application outside the call) and 403 for staff without rights on the call's programme.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal.applications.models import Application
from portal.calls.loaders import load_call
from portal.core.db import db
from portal.reviews import operations
from portal.reviews.models import Assignment
from portal.reviews.permissions import can_manage_reviews, can_record_consensus, owns_assignment

bp = Blueprint("reviews", __name__)


@bp.record_once
def _setup(state) -> None:
    from portal.reviews.setup import init_app

    init_app(state.app)


# Loaders -----------------------------------------------------------------------------------------
def managed_call(code: str, *, form: bool = True):
    """The call for its programme's grants managers and administrators (others: 403/404);
    ``form=False``: without its form collections (see ``portal.calls.loaders``)."""
    if not current_user.is_authenticated or not current_user.is_staff:
        abort(404)
    call = load_call(code, form=form)
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
