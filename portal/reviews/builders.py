"""Row builders for the evaluation: rubric, panel, assignments, reviews and consensus. Shared
by the demo seed (``portal.demo``) and the tests' factories.

Each inserts its rows directly, already in their state (seeds and fixtures make no moves),
flushes and never commits; no audit entry, no e-mail. Points are computed as the portal does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from portal.core.db import db, now_utc
from portal.reviews.models import (
    Assignment,
    Consensus,
    ConsensusScore,
    Criterion,
    Panel,
    PanelMember,
    Review,
    ReviewScore,
    Rubric,
)
from portal.reviews.review_operations import specs
from portal.reviews.scoring import weighted_points

# One criterion's score and comment, in rubric order (score None: not scored yet).
Score = tuple[Decimal | str | None, str]


def build_rubric(call, criteria: Iterable[Mapping], **columns) -> Rubric:
    """A rubric of ``call``; ``criteria`` are column mappings, positioned in order."""
    rubric = Rubric(call_id=call.id, **columns)
    for position, values in enumerate(criteria):
        rubric.criteria.append(Criterion(position=position, **values))
    db.session.add(rubric)
    db.session.flush()
    return rubric


def build_panel(
    call,
    members: Iterable,
    *,
    chair=None,
    reviewers_per_application: int = 2,
    blind: bool = True,
    show_scores_after_submit: bool = False,
    reviews_due=None,
) -> Panel:
    panel = Panel(
        call_id=call.id,
        reviewers_per_application=reviewers_per_application,
        blind=blind,
        show_scores_after_submit=show_scores_after_submit,
        chair_id=chair.id if chair else None,
        reviews_due=reviews_due,
    )
    panel.members = [PanelMember(user_id=user.id) for user in members]
    db.session.add(panel)
    db.session.flush()
    return panel


def build_assignment(application, reviewer, **columns) -> Assignment:
    assignment = Assignment(
        call_id=application.call_id,
        application_id=application.id,
        reviewer_id=reviewer.id,
        **columns,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def build_review(
    assignment: Assignment,
    rubric: Rubric,
    scores: Sequence[Score],
    *,
    submitted: bool = True,
    when: datetime | None = None,
    overall_comment: str = "",
) -> Review:
    """The review of ``assignment``: submitted (with its points) or a draft; ``when`` dates it
    (default: created now, submitted now)."""
    values = _values(rubric, [score for score, _comment in scores])
    review = Review(
        assignment_id=assignment.id,
        call_id=assignment.call_id,
        application_id=assignment.application_id,
        reviewer_id=assignment.reviewer_id,
        status="submitted" if submitted else "draft",
        points=weighted_points(specs(rubric), values) if submitted else None,
        submitted_dt=(when or now_utc()) if submitted else None,
        overall_comment=overall_comment,
        **({"created_dt": when, "updated_dt": when} if when is not None else {}),
    )
    for (criterion_id, value), (_score, comment) in zip(values.items(), scores, strict=True):
        review.scores.append(ReviewScore(criterion_id=criterion_id, score=value, comment=comment))
    db.session.add(review)
    db.session.flush()
    return review


def build_consensus(
    application,
    rubric: Rubric,
    scores: Sequence,
    *,
    summary: str,
    minority_views: str = "",
    recorded_by=None,
    recorded_dt: datetime | None = None,
) -> Consensus:
    """The panel's agreed ``scores`` (in rubric order) for ``application``."""
    values = _values(rubric, scores)
    consensus = Consensus(
        application_id=application.id,
        call_id=application.call_id,
        points=weighted_points(specs(rubric), values),
        summary=summary,
        minority_views=minority_views,
        recorded_by_id=recorded_by.id if recorded_by else None,
        **({"recorded_dt": recorded_dt} if recorded_dt is not None else {}),
    )
    consensus.scores = [ConsensusScore(criterion_id=k, score=v) for k, v in values.items()]
    db.session.add(consensus)
    db.session.flush()
    return consensus


def _values(rubric: Rubric, scores: Sequence) -> dict[int, Decimal | None]:
    return {
        criterion.id: Decimal(score) if score is not None else None
        for criterion, score in zip(rubric.criteria, scores, strict=True)
    }
