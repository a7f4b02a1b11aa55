"""Consensus, the committee's order for remaining ties, and the decision after ranking.

The chair or a grants manager records the agreed score per criterion with a summary and the
minority views; the individual reviews are never changed. The decision (recommended,
waitlisted, not recommended) moves the application along the applications package's allowed
moves and lets the applicant read the evaluation summary.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application
from portal.applications.operations import move
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.reviews import scoring
from portal.reviews.constants import RANKED_STATUSES, REVIEW_DECISIONS
from portal.reviews.models import CommitteeOrder, Consensus, ConsensusScore, Review
from portal.reviews.review_operations import specs


def consensus_of(application_id: int) -> Consensus | None:
    return db.session.scalar(select(Consensus).where(Consensus.application_id == application_id))


def _score_errors(rubric, scores: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for criterion in rubric.criteria:
        key = f"score_{criterion.id}"
        value = scores.get(criterion.id)
        if value is None:
            errors[key] = [_("Enter the agreed score.")]
            continue
        problem = scoring.score_problems(value, Decimal(criterion.max_score), rubric.half_points)
        if problem == "range":
            errors[key] = [
                _(
                    "Enter a score from 0 to %(max)s.",
                    max=scoring.rounded(criterion.max_score, Decimal(1)),
                )
            ]
        elif problem == "step":
            errors[key] = [_("Use whole points (or half points if the rubric allows them).")]
    return errors


def record_consensus(
    application: Application, rubric, actor, *, scores: dict, summary: str, minority_views: str
) -> Consensus:
    if application.status != ApplicationStatus.UNDER_REVIEW:
        raise InputError({"": [_("Consensus is recorded while the application is under review.")]})
    submitted = db.session.scalar(
        select(func.count(Review.id)).where(
            Review.application_id == application.id, Review.status == "submitted"
        )
    )
    if not submitted:
        raise InputError({"": [_("No review has been submitted for this application yet.")]})
    if rubric is None or not rubric.criteria:
        raise InputError({"": [_("The rubric of this call has no criteria yet.")]})
    errors = _score_errors(rubric, scores)
    if not (summary or "").strip():
        errors["summary"] = [_("Write the consensus summary.")]
    if errors:
        raise InputError(errors)
    consensus = consensus_of(application.id)
    before = _audit_view(consensus)
    if consensus is None:
        consensus = Consensus(application_id=application.id, call_id=application.call_id)
        db.session.add(consensus)
    else:
        consensus.updated_dt = now_utc()
    consensus.points = scoring.weighted_points(specs(rubric), scores)
    consensus.summary = summary.strip()
    consensus.minority_views = (minority_views or "").strip()
    consensus.recorded_by_id = actor.id
    _replace_scores(consensus, scores)
    db.session.flush()
    after = _audit_view(consensus)
    record(
        "review.consensus_recorded",
        consensus,
        changes={"application_id": application.id, "before": before, "after": after},
        organisation_id=application.organisation_id,
    )
    return consensus


def _replace_scores(consensus: Consensus, scores: dict) -> None:
    existing = {s.criterion_id: s for s in consensus.scores}
    for criterion_id, value in scores.items():
        row = existing.get(criterion_id)
        if row is None:
            consensus.scores.append(ConsensusScore(criterion_id=criterion_id, score=value))
        else:
            row.score = value


def _audit_view(consensus: Consensus | None) -> dict | None:
    if consensus is None:
        return None
    return {
        "scores": {str(s.criterion_id): s.score for s in consensus.scores},
        "points": consensus.points,
        "summary": consensus.summary,
        "minority_views": consensus.minority_views,
    }


# Committee order ---------------------------------------------------------------------------------
def record_committee_order(call, actor, *, positions: dict[int, int], note: str) -> None:
    """Positions (1 = first) for applications the cascade leaves tied."""
    if len(positions) < 2:
        raise InputError({"": [_("Order at least two tied applications.")]})
    values = list(positions.values())
    if any(v is None or v < 1 for v in values) or len(set(values)) != len(values):
        raise InputError({"": [_("Give each application a different position (1, 2, 3…).")]})
    if not (note or "").strip():
        raise InputError({"note": [_("Record how the committee decided.")]})
    applications = db.session.scalars(
        select(Application).where(
            Application.id.in_(list(positions)),
            Application.call_id == call.id,
            Application.status.in_(RANKED_STATUSES),
        )
    ).all()
    if len(applications) != len(positions):
        raise InputError({"": [_("These applications are not in this call's ranking.")]})
    existing = {
        o.application_id: o
        for o in db.session.scalars(
            select(CommitteeOrder).where(CommitteeOrder.application_id.in_(list(positions)))
        )
    }
    now = now_utc()
    for application_id, position in positions.items():
        row = existing.get(application_id) or CommitteeOrder(
            call_id=call.id, application_id=application_id
        )
        row.position = position
        row.note = note.strip()
        row.recorded_by_id = actor.id
        row.recorded_dt = now
        db.session.add(row)
    db.session.flush()
    record(
        "review.committee_order_recorded",
        call,
        changes={"positions": {str(k): v for k, v in positions.items()}, "note": note.strip()},
    )


# Decision ----------------------------------------------------------------------------------------
def decide(application: Application, actor, *, status: str, note: str = "") -> Application:
    if status not in REVIEW_DECISIONS:
        raise InputError({"status": [_("Choose a decision.")]})
    before = application.status
    move(application, ApplicationStatus(status), actor, note=(note or "").strip() or None)
    application.updated_dt = now_utc()
    db.session.flush()
    record(
        "application.decided",
        application,
        changes={"status": [before, status], "note": (note or "").strip()},
        organisation_id=application.organisation_id,
    )
    from portal.reviews.notifications import notify_decision

    notify_decision(application)
    return application
