"""Demo evaluation for ``make run`` (the last stage of ``portal.demo.seed.STAGES``).

On CONV-2026-01: a published rubric (four criteria, half points, thresholds, tie-break on the
first criterion then co-finance), a blind panel with the two demo reviewers (the first one
chairs, two reviewers per application), and two more applications besides the ones the
applications stage creates (whose submitted application is left for the grants manager to
screen):

- Justicia Cercana's "Asesoría jurídica gratuita en Apodaca", screened in and under review,
  assigned to both reviewers: the first one submitted her review, the second has a draft;
- Mediación y Soluciones del Desierto's "Centro de mediación empresarial de Sonora", screened
  out (a company may not apply), so its members can read the decision and its reasons.

Idempotent (rubric and panel by call; applications by call, organisation and title); like the
rest of the seed it writes no audit entries, sends no e-mail and does not commit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.models import Application, BudgetLine, CofinanceSource, StatusChange
from portal.applications.operations import eligibility_reasons, refresh_totals
from portal.applications.references import format_reference, next_number
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
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
    ("Pertinencia y necesidad", "Relevance and need",
     "¿Responde a una necesidad documentada de justicia cotidiana en la comunidad?",
     "Does it answer a documented everyday-justice need in the community?", "30", "3", True),
    ("Diseño y viabilidad", "Design and feasibility",
     "Actividades, calendario y presupuesto coherentes y realistas.",
     "Coherent, realistic activities, timeline and budget.", "30", "3", False),
    ("Capacidad de la organización", "Organisational capacity",
     "Experiencia del equipo y de la organización en proyectos similares.",
     "Experience of the team and the organisation with similar projects.", "20", None, False),
    ("Cofinanciamiento y sostenibilidad", "Co-finance and sustainability",
     "Aportaciones comprometidas y continuidad después del apoyo.",
     "Committed contributions and continuity after the grant.", "20", None, False),
)

UNDER_REVIEW = {
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
        ("personnel", "Abogadas asesoras (10 meses)", "300000.00", "40000.00"),
        ("travel", "Traslados a centros comunitarios", "30000.00", "0.00"),
    ],
    "sources": [
        ("Justicia Cercana, A.C.", "applicant", "cash", "cost_share", "40000.00", None),
        ("Voluntariado de Justicia Cercana", "applicant", "in_kind", "cost_share", "60000.00",
         "Horas de voluntariado × tarifa local de asesoría"),
    ],
}
SCREENED_OUT = {
    "rfc": "MSD180620K7A",
    "by": "direccion@mediasonora.example",
    "title": "Centro de mediación empresarial de Sonora",
    "answers": {
        "project_title": "Centro de mediación empresarial de Sonora",
        "summary": "Mediación de conflictos entre empresas en Hermosillo.",
        "themes": ["mediation"],
        "beneficiaries": "150",
        "start_date": "2027-01-15",
        "has_partners": "no",
    },
    "lines": [("services", "Mediadores certificados", "250000.00", "80000.00")],
    "sources": [("Mediación y Soluciones del Desierto", "applicant", "cash", "cost_share", "80000.00", None)],
}
SUBMITTED_SCORES = (("4", "La necesidad está bien documentada."), ("3.5", ""), ("4", ""), ("3", ""))
DRAFT_SCORES = (("2", "No queda clara la demanda."), ("3", ""), (None, ""), (None, ""))


def seed_reviews(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    if call is None or any(e not in world.users for e in (MANAGER, *REVIEWERS)):
        return
    rubric = _rubric(world, call)
    panel = _panel(world, call)
    manager = world.user(MANAGER)
    application = _application(world, call, UNDER_REVIEW)
    if application is not None:
        _screen(application, manager, "pass", [], "", "under_review")
        _assign_and_review(world, call, panel, rubric, application)
    refused = _application(world, call, SCREENED_OUT)
    if refused is not None:
        note = "La convocatoria admite organizaciones civiles e instituciones académicas."
        _screen(refused, manager, "fail", ["ineligible_applicant"], note, "screened_out")
    db.session.flush()


def _rubric(world, call) -> Rubric:
    rubric = db.session.scalar(select(Rubric).filter_by(call_id=call.id))
    if rubric is not None:
        return rubric
    rubric = Rubric(call_id=call.id, half_points=True, overall_threshold=Decimal("60"))
    for position, (es, en, g_es, g_en, weight, minimum, comments) in enumerate(CRITERIA):
        rubric.criteria.append(
            Criterion(
                position=position, title_es=es, title_en=en, guidance_es=g_es, guidance_en=g_en,
                weight=Decimal(weight), max_score=Decimal(5),
                min_score=Decimal(minimum) if minimum else None,
                comments_required=comments, is_tie_breaker=position == 0,
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
        call_id=call.id, reviewers_per_application=2, blind=True,
        show_scores_after_submit=True, chair_id=first.id,
    )
    panel.members = [PanelMember(user_id=first.id), PanelMember(user_id=second.id)]
    db.session.add(panel)
    db.session.flush()
    world.created["panel"] += 1
    return panel


def _application(world, call, spec) -> Application | None:
    """A new submitted application, or None when it exists already (or its organisation is
    missing)."""
    organisation = world.organisations.get(spec["rfc"])
    if organisation is None:
        return None
    found = db.session.scalar(
        select(Application.id).filter_by(call_id=call.id, organisation_id=organisation.id, title=spec["title"])
    )
    if found is not None:
        return None
    user = world.user(spec["by"])
    when = now_utc() - timedelta(days=2)
    quiz = {"legal_entity": "yes", "elected_office": "no"}
    reasons = eligibility_reasons(call, quiz, organisation)
    application = Application(
        call=call, organisation=organisation, created_by_id=user.id, currency=call.currency,
        title=spec["title"], answers=dict(spec["answers"]), eligibility_answers=quiz,
        eligible=not reasons,
        ineligibility=[{"kind": r.kind, "key": r.key, "text": dict(r.text)} for r in reasons],
        eligibility_dt=when, created_dt=when, updated_dt=when, lines=[], sources=[],
    )
    for position, (category, text, requested, cofinance) in enumerate(spec["lines"]):
        application.lines.append(BudgetLine(category=category, description=text, requested=Decimal(requested),
                                            cofinance=Decimal(cofinance), position=position))
    for position, (name, kind, nature, counts, amount, basis) in enumerate(spec["sources"]):
        application.sources.append(CofinanceSource(contributor_name=name, contributor_type=kind, nature=nature,
                                                   counts_as=counts, amount=Decimal(amount),
                                                   valuation_basis=basis, position=position))
    refresh_totals(application)
    db.session.add(application)
    db.session.flush()
    application.form_snapshot = form_snapshot(call)
    application.form_version = call.form_version
    application.number = next_number(call.id)
    application.reference = format_reference(call.code, application.number)
    application.submitted_dt = when
    application.submitted_by_id = user.id
    application.status = "submitted"
    _history(application, user.id, when - timedelta(hours=1), None, "draft")
    _history(application, user.id, when, "draft", "submitted")
    world.created["application"] += 1
    return application


def _history(application, user_id, when, before, after, note=None) -> None:
    db.session.add(StatusChange(application_id=application.id, from_status=before, to_status=after,
                                by_id=user_id, created_dt=when, note=note))


def _screen(application, manager, outcome, reasons, note, status) -> None:
    when = now_utc() - timedelta(days=1)
    db.session.add(ScreeningDecision(application_id=application.id, call_id=application.call_id, outcome=outcome,
                                     reasons=reasons, note=note, decided_by_id=manager.id, decided_dt=when))
    application.status = status
    _history(application, manager.id, when, "submitted", status, note or None)


def _assign_and_review(world, call, panel, rubric, application) -> None:
    first, second = (world.user(e) for e in REVIEWERS)
    when = now_utc() - timedelta(hours=20)
    for user, scores, submitted in ((first, SUBMITTED_SCORES, True), (second, DRAFT_SCORES, False)):
        assignment = Assignment(call_id=call.id, application_id=application.id, reviewer_id=user.id,
                                automatic=True, assigned_dt=when, conflict=False, declared_dt=when)
        db.session.add(assignment)
        db.session.flush()
        review = Review(assignment_id=assignment.id, call_id=call.id, application_id=application.id,
                        reviewer_id=user.id, created_dt=when, updated_dt=when)
        values = {}
        for criterion, (score, comment) in zip(rubric.criteria, scores, strict=True):
            value = Decimal(score) if score is not None else None
            values[criterion.id] = value
            review.scores.append(ReviewScore(criterion_id=criterion.id, score=value, comment=comment))
        if submitted:
            review.status = "submitted"
            review.submitted_dt = when
            review.overall_comment = "Proyecto pertinente; conviene precisar los indicadores."
            specs = [scoring.CriterionSpec(c.id, Decimal(c.weight), Decimal(c.max_score)) for c in rubric.criteria]
            review.points = scoring.weighted_points(specs, values)
        db.session.add(review)
    world.created["review"] += 2
