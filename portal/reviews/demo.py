"""Demo evaluation for ``make run`` (a stage of ``portal.demo.seed.STAGES``, after the
applications stage and before the awards stage).

On CONV-2026-01: a published rubric (four criteria, half points, thresholds, tie-break on the
first criterion then co-finance) and a blind panel with the two demo reviewers (the first one
chairs, two reviewers per application, scores visible to each other after submitting); and
two applications of Justicia Cercana under review:

- the applications stage's submitted "Mediación vecinal en colonias de Monterrey", screened
  in here: the first reviewer has submitted her review, the second has a draft;
- "Asesoría jurídica gratuita en Apodaca", created here (the next reference number of the
  call), screened in, both reviews submitted and a consensus recorded, so it heads the
  ranking (the awards stage awards it, and the applicant can read its evaluation summary).

Applications submitted later in the walk-through are left for the grants manager to screen.
Idempotent (rubric and panel looked up by call, applications by call, organisation and title;
an application is only screened if nobody has screened it yet); like the rest of the seed it
writes no audit entries, sends no e-mail and does not commit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.builders import build_application
from portal.applications.constants import ApplicationStatus
from portal.applications.demo import SUBMITTED, budget, find
from portal.applications.models import Application, StatusChange
from portal.applications.operations import move
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.reviews.builders import (
    build_assignment,
    build_consensus,
    build_panel,
    build_review,
    build_rubric,
)
from portal.reviews.models import Panel, Rubric, ScreeningDecision
from portal.reviews.operations import call_closing_day

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
OVERALL_COMMENT = "Proyecto pertinente; conviene precisar los indicadores."

AGREED = {
    "rfc": "JCE150312LT4",
    "by": "direccion@justiciacercana.example",
    "title": "Asesoría jurídica gratuita en Apodaca",
    "answers": {
        "project_title": "Asesoría jurídica gratuita en Apodaca",
        "summary": "Módulos de asesoría jurídica gratuita en tres centros comunitarios de "
        "Apodaca, con abogadas voluntarias y canalización a la defensoría pública.",
        "themes": ["legal_aid"],
        "beneficiaries": "800",
        "start_date": "2027-03-01",
        "has_partners": "no",
    },
    "lines": [
        ("personnel", "Abogadas asesoras (10 meses)", "300000.00", "90000.00"),
        ("travel", "Traslados a centros comunitarios", "30000.00", "0.00"),
    ],
    "sources": [
        ("Justicia Cercana, A.C.", "applicant", "cash", "cost_share", "90000.00", None),
    ],
    "reviews": (
        (("4.5", "Necesidad muy clara."), ("4", ""), ("4", ""), ("4", "")),
        (("4", ""), ("4", ""), ("3.5", ""), ("4", "")),
    ),
    "consensus": ("4.5", "4", "4", "4"),
    "summary": "El comité valora la cobertura en centros comunitarios y la articulación con la "
    "defensoría pública; recomienda precisar los indicadores de seguimiento.",
}


def seed_reviews(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    if call is None or any(e not in world.users for e in (MANAGER, *REVIEWERS)):
        return
    rubric = _rubric(world, call)
    _panel(world, call)
    manager = world.user(MANAGER)
    application = _submitted_demo_application(world, call)
    if application is not None:
        _screen(application, manager)
        _assign_and_review(world, call, rubric, application)
    agreed = _new_application(world, call, AGREED)
    if agreed is not None:
        _screen(agreed, manager)
        _agree(world, call, rubric, agreed, manager)
    db.session.flush()


def _submitted_demo_application(world, call) -> Application | None:
    """The applications stage's submitted application, if nobody has screened it yet."""
    organisation = world.organisations.get(SUBMITTED["rfc"])
    if organisation is None:
        return None
    application = find(call, organisation, SUBMITTED["title"])
    if application is None or application.status != "submitted":
        return None
    screened = db.session.scalar(
        select(ScreeningDecision.id).filter_by(application_id=application.id)
    )
    return None if screened is not None else application


def _new_application(world, call, spec) -> Application | None:
    """A new submitted application, or None when it exists already."""
    organisation = world.organisations.get(spec["rfc"])
    if organisation is None or find(call, organisation, spec["title"]) is not None:
        return None
    when = now_utc() - timedelta(days=2)
    application = build_application(
        call,
        organisation,
        world.user(spec["by"]),
        title=spec["title"],
        status="submitted",
        submitted_dt=when,
        answers=spec["answers"],
        quiz={"legal_entity": "yes", "elected_office": "no"},
        eligibility_dt=when,
        created_dt=when,
        updated_dt=when,
        history=[(None, "draft", when - timedelta(hours=2)), ("draft", "submitted", when)],
        **budget(spec),
    )
    world.created["application"] += 1
    return application


def _agree(world, call, rubric, application, manager) -> None:
    """Both reviews submitted and the consensus recorded."""
    when = now_utc() - timedelta(hours=12)
    for email, scores in zip(REVIEWERS, AGREED["reviews"], strict=True):
        _review(world.user(email), rubric, application, scores, submitted=True, when=when)
    world.created["review"] += 2
    build_consensus(
        application,
        rubric,
        AGREED["consensus"],
        summary=AGREED["summary"],
        recorded_by=world.user(REVIEWERS[0]),
        recorded_dt=when,
    )
    world.created["consensus"] += 1


def _rubric(world, call) -> Rubric:
    rubric = db.session.scalar(select(Rubric).filter_by(call_id=call.id))
    if rubric is not None:
        return rubric
    rubric = build_rubric(
        call,
        [
            dict(
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
            for position, (es, en, g_es, g_en, weight, minimum, comments) in enumerate(CRITERIA)
        ],
        half_points=True,
        overall_threshold=Decimal("60"),
    )
    world.created["rubric"] += 1
    return rubric


# Reviews are due three weeks after the call closes.
REVIEW_WEEKS = 3


def _panel(world, call) -> Panel:
    panel = db.session.scalar(select(Panel).filter_by(call_id=call.id))
    if panel is not None:
        return panel
    first, second = (world.user(e) for e in REVIEWERS)
    closes = call_closing_day(call)
    panel = build_panel(
        call,
        [first, second],
        chair=first,
        show_scores_after_submit=True,
        reviews_due=closes + timedelta(days=REVIEW_WEEKS * 7) if closes else None,
    )
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
    # The applications domain moves the application (and adds its timeline entry), dated here.
    move(application, ApplicationStatus.UNDER_REVIEW, manager)
    for change in db.session.new:
        if isinstance(change, StatusChange) and change.application_id == application.id:
            change.created_dt = when


def _assign_and_review(world, call, rubric, application) -> None:
    """The first reviewer submitted, the second has a draft."""
    when = now_utc() - timedelta(hours=20)
    first, second = (world.user(e) for e in REVIEWERS)
    _review(first, rubric, application, SUBMITTED_SCORES, submitted=True, when=when)
    _review(second, rubric, application, DRAFT_SCORES, submitted=False, when=when)
    world.created["review"] += 2


def _review(user, rubric, application, scores, *, submitted: bool, when) -> None:
    assignment = build_assignment(
        application, user, automatic=True, assigned_dt=when, conflict=False, declared_dt=when
    )
    build_review(
        assignment,
        rubric,
        scores,
        submitted=submitted,
        when=when,
        overall_comment=OVERALL_COMMENT if submitted else "",
    )
