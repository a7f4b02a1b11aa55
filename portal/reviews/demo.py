"""Demo evaluation for ``make run`` (the last stage of ``portal.demo.seed.STAGES``).

On CONV-2026-01: a published rubric (four criteria, half points, thresholds, tie-break on the
first criterion then co-finance) and a blind panel with the two demo reviewers (the first one
chairs, two reviewers per application, scores visible to each other after submitting). The
applications stage's submitted application (Justicia Cercana's "Mediación vecinal en colonias
de Monterrey") is screened in and assigned to both reviewers: the first one has submitted her
review, the second has a draft. Applications the applicant submits in the walk-through are
left for the grants manager to screen.

No application is created here, so the applications stage's reference numbers stay as they
are. Idempotent (rubric and panel looked up by call; the application is only screened if
nobody has screened it yet); like the rest of the seed it writes no audit entries, sends no
e-mail and does not commit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.demo import SUBMITTED
from portal.applications.models import Application, StatusChange
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.reviews import scoring
from portal.reviews.models import (
    Assignment,
    Criterion,
    Panel,
    PanelMember,
    Review,
    ReviewScore,
    Rubric,
    ScreeningDecision,
)

CALL = "CONV-2026-01"
MANAGER = "gestor@cofinancia.example"
REVIEWERS = ("revisora1@cofinancia.example", "revisor2@cofinancia.example")

CRITERIA = (
    (
        "Pertinencia y necesidad",
        "Relevance and need",
        "¿Responde a una necesidad documentada de justicia cotidiana en la comunidad?",
        "Does it answer a documented everyday-justice need in the community?",
        "30",
        "3",
        True,
    ),
    (
        "Diseño y viabilidad",
        "Design and feasibility",
        "Actividades, calendario y presupuesto coherentes y realistas.",
        "Coherent, realistic activities, timeline and budget.",
        "30",
        "3",
        False,
    ),
    (
        "Capacidad de la organización",
        "Organisational capacity",
        "Experiencia del equipo y de la organización en proyectos similares.",
        "Experience of the team and the organisation with similar projects.",
        "20",
        None,
        False,
    ),
    (
        "Cofinanciamiento y sostenibilidad",
        "Co-finance and sustainability",
        "Aportaciones comprometidas y continuidad después del apoyo.",
        "Committed contributions and continuity after the grant.",
        "20",
        None,
        False,
    ),
)

SUBMITTED_SCORES = (("4", "La necesidad está bien documentada."), ("3.5", ""), ("4", ""), ("3", ""))
DRAFT_SCORES = (("2", "No queda clara la demanda."), ("3", ""), (None, ""), (None, ""))


def seed_reviews(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    if call is None or any(e not in world.users for e in (MANAGER, *REVIEWERS)):
        return
    rubric = _rubric(world, call)
    _panel(world, call)
    application = _submitted_demo_application(world, call)
    if application is not None:
        _screen(application, world.user(MANAGER))
        _assign_and_review(world, call, rubric, application)
    db.session.flush()


def _submitted_demo_application(world, call) -> Application | None:
    """The applications stage's submitted application, if nobody has screened it yet."""
    organisation = world.organisations.get(SUBMITTED["rfc"])
    if organisation is None:
        return None
    application = db.session.scalar(
        select(Application).filter_by(
            call_id=call.id, organisation_id=organisation.id, title=SUBMITTED["title"]
        )
    )
    if application is None or application.status != "submitted":
        return None
    screened = db.session.scalar(
        select(ScreeningDecision.id).filter_by(application_id=application.id)
    )
    return None if screened is not None else application


def _rubric(world, call) -> Rubric:
    rubric = db.session.scalar(select(Rubric).filter_by(call_id=call.id))
    if rubric is not None:
        return rubric
    rubric = Rubric(call_id=call.id, half_points=True, overall_threshold=Decimal("60"))
    for position, (es, en, g_es, g_en, weight, minimum, comments) in enumerate(CRITERIA):
        rubric.criteria.append(
            Criterion(
                position=position,
                title_es=es,
                title_en=en,
                guidance_es=g_es,
                guidance_en=g_en,
                weight=Decimal(weight),
                max_score=Decimal(5),
                min_score=Decimal(minimum) if minimum else None,
                comments_required=comments,
                is_tie_breaker=position == 0,
            )
        )
    db.session.add(rubric)
    db.session.flush()
    world.created["rubric"] += 1
    return rubric


def _panel(world, call) -> Panel:
    panel = db.session.scalar(select(Panel).filter_by(call_id=call.id))
    if panel is not None:
        return panel
    first, second = (world.user(e) for e in REVIEWERS)
    panel = Panel(
        call_id=call.id,
        reviewers_per_application=2,
        blind=True,
        show_scores_after_submit=True,
        chair_id=first.id,
    )
    panel.members = [PanelMember(user_id=first.id), PanelMember(user_id=second.id)]
    db.session.add(panel)
    db.session.flush()
    world.created["panel"] += 1
    return panel


def _screen(application, manager) -> None:
    when = now_utc() - timedelta(hours=22)
    db.session.add(
        ScreeningDecision(
            application_id=application.id,
            call_id=application.call_id,
            outcome="pass",
            reasons=[],
            note="",
            decided_by_id=manager.id,
            decided_dt=when,
        )
    )
    application.status = "under_review"
    db.session.add(
        StatusChange(
            application_id=application.id,
            from_status="submitted",
            to_status="under_review",
            by_id=manager.id,
            created_dt=when,
        )
    )


def _assign_and_review(world, call, rubric, application) -> None:
    first, second = (world.user(e) for e in REVIEWERS)
    when = now_utc() - timedelta(hours=20)
    for user, scores, submitted in ((first, SUBMITTED_SCORES, True), (second, DRAFT_SCORES, False)):
        assignment = Assignment(
            call_id=call.id,
            application_id=application.id,
            reviewer_id=user.id,
            automatic=True,
            assigned_dt=when,
            conflict=False,
            declared_dt=when,
        )
        db.session.add(assignment)
        db.session.flush()
        review = Review(
            assignment_id=assignment.id,
            call_id=call.id,
            application_id=application.id,
            reviewer_id=user.id,
            created_dt=when,
            updated_dt=when,
        )
        values = {}
        for criterion, (score, comment) in zip(rubric.criteria, scores, strict=True):
            value = Decimal(score) if score is not None else None
            values[criterion.id] = value
            review.scores.append(
                ReviewScore(criterion_id=criterion.id, score=value, comment=comment)
            )
        if submitted:
            review.status = "submitted"
            review.submitted_dt = when
            review.overall_comment = "Proyecto pertinente; conviene precisar los indicadores."
            specs = [
                scoring.CriterionSpec(c.id, Decimal(c.weight), Decimal(c.max_score))
                for c in rubric.criteria
            ]
            review.points = scoring.weighted_points(specs, values)
        db.session.add(review)
    world.created["review"] += 2
