"""Builders for the review tests: submitted applications, rubrics, panels, reviews.

Applications are inserted directly in their final shape (reference, snapshot, status) so the
tests do not depend on the applications package's submission flow."""

from __future__ import annotations

import itertools
from decimal import Decimal

from portal.applications.models import Application, StatusChange
from portal.calls.rules import form_snapshot
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

_numbers = itertools.count(1)
D = Decimal


def make_application(
    call,
    organisation,
    creator,
    *,
    status="under_review",
    title=None,
    cofinance_pct="25.00",
    answers=None,
    requested="300000.00",
) -> Application:
    number = next(_numbers)
    now = now_utc()
    application = Application(
        call_id=call.id,
        organisation_id=organisation.id,
        created_by_id=creator.id,
        submitted_by_id=creator.id,
        number=number,
        reference=f"{call.code}-{number:04d}",
        title=title or f"Proyecto {number}",
        status=status,
        answers=answers if answers is not None else {"summary": f"Resumen del proyecto {number}."},
        eligibility_answers={"legal_entity": "yes"},
        eligible=True,
        form_version=call.form_version,
        form_snapshot=form_snapshot(call),
        currency=call.currency,
        requested_total=D(requested),
        cost_share_total=D("100000.00"),
        cofinance_pct=D(cofinance_pct),
        submitted_dt=now,
        created_dt=now,
        updated_dt=now,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        StatusChange(application_id=application.id, to_status="submitted", by_id=creator.id)
    )
    db.session.commit()
    return application


def make_rubric(
    call,
    criteria=None,
    *,
    half_points=False,
    overall_threshold=None,
    tie_index=None,
    tie_use_cofinance=True,
) -> Rubric:
    """``criteria``: list of (title, weight, max, min) tuples."""
    criteria = criteria or [
        ("Pertinencia", "40", "5", "3"),
        ("Viabilidad", "35", "5", None),
        ("Cofinanciamiento", "25", "5", None),
    ]
    rubric = Rubric(
        call_id=call.id,
        half_points=half_points,
        overall_threshold=D(overall_threshold) if overall_threshold is not None else None,
        tie_use_cofinance=tie_use_cofinance,
    )
    for position, (title, weight, maximum, minimum) in enumerate(criteria):
        rubric.criteria.append(
            Criterion(
                position=position,
                title_es=title,
                title_en=f"{title} (en)",
                guidance_es="Guía",
                guidance_en="Guidance",
                weight=D(weight),
                max_score=D(maximum),
                min_score=D(minimum) if minimum is not None else None,
                is_tie_breaker=tie_index == position,
            )
        )
    db.session.add(rubric)
    db.session.commit()
    return rubric


def make_panel(
    call, members, *, chair=None, per_application=2, blind=True, show_scores=False
) -> Panel:
    panel = Panel(
        call_id=call.id,
        reviewers_per_application=per_application,
        blind=blind,
        show_scores_after_submit=show_scores,
        chair_id=chair.id if chair else None,
    )
    for user in members:
        panel.members.append(PanelMember(user_id=user.id))
    db.session.add(panel)
    db.session.commit()
    return panel


def assign(application, reviewer, conflict=None) -> Assignment:
    assignment = Assignment(
        call_id=application.call_id,
        application_id=application.id,
        reviewer_id=reviewer.id,
        conflict=conflict,
        declared_dt=now_utc() if conflict is not None else None,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def add_review(assignment, rubric, scores, *, submitted=True, comment="") -> Review:
    """``scores``: list of score strings in rubric order."""
    from portal.reviews.review_operations import specs
    from portal.reviews.scoring import weighted_points

    if assignment.conflict is None:
        assignment.conflict = False
        assignment.declared_dt = now_utc()
    values = {c.id: D(s) for c, s in zip(rubric.criteria, scores, strict=True)}
    review = Review(
        assignment_id=assignment.id,
        call_id=assignment.call_id,
        application_id=assignment.application_id,
        reviewer_id=assignment.reviewer_id,
        status="submitted" if submitted else "draft",
        points=weighted_points(specs(rubric), values) if submitted else None,
        submitted_dt=now_utc() if submitted else None,
        overall_comment=comment,
    )
    for criterion_id, value in values.items():
        review.scores.append(
            ReviewScore(criterion_id=criterion_id, score=value, comment=f"comentario {value}")
        )
    db.session.add(review)
    db.session.commit()
    return review


def add_consensus(application, rubric, scores, summary="Resumen del consenso.") -> Consensus:
    from portal.reviews.review_operations import specs
    from portal.reviews.scoring import weighted_points

    values = {c.id: D(s) for c, s in zip(rubric.criteria, scores, strict=True)}
    consensus = Consensus(
        application_id=application.id,
        call_id=application.call_id,
        points=weighted_points(specs(rubric), values),
        summary=summary,
        minority_views="Opinión minoritaria secreta.",
    )
    for criterion_id, value in values.items():
        consensus.scores.append(ConsensusScore(criterion_id=criterion_id, score=value))
    db.session.add(consensus)
    db.session.commit()
    return consensus


def reload(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)
