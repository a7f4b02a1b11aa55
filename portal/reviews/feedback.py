"""The applicant's evaluation summary (what ``feedback_views`` shows and the awards domain's
decision letters quote): the consensus summary and the per-criterion means, never reviewer
identities, individual reviews or the panel's minority views."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.core.db import db
from portal.reviews import operations, scoring
from portal.reviews.consensus import consensus_of
from portal.reviews.models import Review
from portal.reviews.review_operations import specs


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
