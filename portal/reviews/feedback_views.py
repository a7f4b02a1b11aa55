"""The applicant's evaluation summary, readable by the organisation's members once the
application has a decision: the screening reasons of a screened-out application, or the
consensus summary and the per-criterion means. Never reviewer identities, individual reviews
or the panel's minority views."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.applications.models import Application
from portal.core.db import db
from portal.reviews import operations, scoring, screening
from portal.reviews.consensus import consensus_of
from portal.reviews.constants import SCREENING_REASONS
from portal.reviews.models import Review
from portal.reviews.permissions import can_read_feedback
from portal.reviews.review_operations import specs
from portal.reviews.views import bp


def summary(application) -> dict:
    rubric = operations.rubric_of(application.call)
    criteria = list(rubric.criteria) if rubric else []
    reviews = db.session.scalars(
        select(Review).where(Review.application_id == application.id, Review.status == "submitted")
    ).all()
    aggregate = None
    if criteria and reviews:
        aggregate = scoring.aggregate(
            specs(rubric),
            [{s.criterion_id: Decimal(s.score) for s in r.scores} for r in reviews],
            rubric.overall_threshold,
        )
    consensus = consensus_of(application.id)
    total = None
    if consensus is not None and criteria:
        total = scoring.total_on_100(consensus.points, scoring.max_points(specs(rubric)))
    elif aggregate is not None:
        total = aggregate.mean_total
    return {
        "rubric": rubric,
        "criteria": criteria,
        "aggregate": aggregate,
        "consensus": consensus,
        "total": scoring.rounded(total),
        "reviews": len(reviews),
    }


@bp.get("/applications/<int:application_id>/evaluation")
@login_required
def evaluation(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not can_read_feedback(application, current_user):
        abort(404)
    fail = screening.latest_fail(application) if application.status == "screened_out" else None
    return render_template(
        "reviews/evaluation.html",
        application=application,
        fail=fail,
        reasons=SCREENING_REASONS,
        **(summary(application) if fail is None else {}),
    )
