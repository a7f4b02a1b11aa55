"""Builders for the review tests: submitted applications, rubrics, panels, reviews (thin
wrappers over ``portal.applications.builders`` and ``portal.reviews.builders``, shared with the
demo seed, that add the tests' defaults and commit).

Applications are inserted directly in their final shape (reference, snapshot, status) so the
tests do not depend on the applications package's submission flow."""

from __future__ import annotations

import itertools
from decimal import Decimal

from portal.applications.builders import build_application
from portal.applications.models import Application
from portal.core.db import db, now_utc
from portal.reviews.builders import (
    build_assignment,
    build_consensus,
    build_panel,
    build_review,
    build_rubric,
)
from portal.reviews.models import Assignment, Consensus, Panel, Review, Rubric

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
    sources=(),
) -> Application:
    number = next(_numbers)
    now = now_utc()
    application = build_application(
        call,
        organisation,
        creator,
        title=title or f"Proyecto {number}",
        status=status,
        number=number,
        submitted_dt=now,
        answers=answers if answers is not None else {"summary": f"Resumen del proyecto {number}."},
        eligibility_answers={"legal_entity": "yes"},
        eligible=True,
        requested_total=D(requested),
        cost_share_total=D("100000.00"),
        cofinance_pct=D(cofinance_pct),
        created_dt=now,
        updated_dt=now,
        sources=sources,
        history=[(None, "submitted", None)],
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
    rubric = build_rubric(
        call,
        [
            dict(
                title_es=title,
                title_en=f"{title} (en)",
                guidance_es="Guía",
                guidance_en="Guidance",
                weight=D(weight),
                max_score=D(maximum),
                min_score=D(minimum) if minimum is not None else None,
                is_tie_breaker=tie_index == position,
            )
            for position, (title, weight, maximum, minimum) in enumerate(criteria)
        ],
        half_points=half_points,
        overall_threshold=D(overall_threshold) if overall_threshold is not None else None,
        tie_use_cofinance=tie_use_cofinance,
    )
    db.session.commit()
    return rubric


def make_panel(
    call, members, *, chair=None, per_application=2, blind=True, show_scores=False
) -> Panel:
    panel = build_panel(
        call,
        members,
        chair=chair,
        reviewers_per_application=per_application,
        blind=blind,
        show_scores_after_submit=show_scores,
    )
    db.session.commit()
    return panel


def assign(application, reviewer, conflict=None) -> Assignment:
    assignment = build_assignment(
        application,
        reviewer,
        conflict=conflict,
        declared_dt=now_utc() if conflict is not None else None,
    )
    db.session.commit()
    return assignment


def add_review(assignment, rubric, scores, *, submitted=True, comment="") -> Review:
    """``scores``: list of score strings in rubric order."""
    if assignment.conflict is None:
        assignment.conflict = False
        assignment.declared_dt = now_utc()
    review = build_review(
        assignment,
        rubric,
        [(score, f"comentario {D(score)}") for score in scores],
        submitted=submitted,
        overall_comment=comment,
    )
    db.session.commit()
    return review


def add_consensus(application, rubric, scores, summary="Resumen del consenso.") -> Consensus:
    consensus = build_consensus(
        application, rubric, scores, summary=summary, minority_views="Opinión minoritaria secreta."
    )
    db.session.commit()
    return consensus


def reload(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)
