"""Demo award for ``make run`` (the last stage of ``portal.demo.seed.STAGES``).

The top-ranked application of CONV-2026-01 (Justicia Cercana's, moved to "recommended" when
the review stage has not decided it) is awarded as a fixed amount award with terms, a low-risk
assessment, two milestones and an issued agreement (PDF stored), ready for the demo
signatory to sign. Idempotent: nothing happens when the application already has an award.
Like the rest of the seed it writes no audit entries of its own and sends no e-mail.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application
from portal.applications.operations import move as move_application
from portal.awards.builders import add_milestones, build_agreement, build_award
from portal.awards.constants import RISK_ITEMS
from portal.awards.models import Award, RiskAssessment
from portal.calls.models import Call
from portal.core.db import db, now_utc

CALL = "CONV-2026-01"
MANAGER = "gestor@cofinancia.example"
PATH = {
    "submitted": ("under_review", "recommended"),
    "under_review": ("recommended",),
    "recommended": (),
    "waitlisted": (),
}


def seed_awards(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    manager = world.users.get(MANAGER)
    if call is None or manager is None:
        return
    application = _top_application(call)
    if application is None or _has_award(application):
        return
    _advance(application, manager)
    award = _award(application, call, manager)
    world.created["award"] += 1
    _agreement(award, manager)
    world.created["agreement"] += 1
    db.session.flush()


def _has_award(application) -> bool:
    return db.session.scalar(select(Award.id).filter_by(application_id=application.id)) is not None


def _top_application(call) -> Application | None:
    from portal.awards.decision_views import ranking_positions

    candidates = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status.in_([*PATH, "awarded"]))
        .order_by(Application.number)
    ).all()
    ranks = ranking_positions(call)
    candidates = sorted(candidates, key=lambda a: (ranks.get(a.id, 10**6), a.number or 0))
    return candidates[0] if candidates else None


def _advance(application, manager) -> None:
    """Along the applications package's moves (each adds its timeline entry, no audit)."""
    if application.status == ApplicationStatus.AWARDED:
        return
    for step in [*PATH.get(application.status, ()), "awarded"]:
        move_application(application, ApplicationStatus(step), manager, note="Demo")


def _award(application, call, manager) -> Award:
    from portal.awards.operations import prefill_commitments

    amount = min(application.requested_total or Decimal("500000.00"), call.max_award)
    start = date(2027, 2, 1)
    award = build_award(
        application,
        manager,
        amount=amount,
        start_date=start,
        end_date=date(2028, 1, 31),
        special_conditions="Informe trimestral de avance.",
        justification="Primer lugar de la clasificación de la convocatoria.",
        proposed_dt=now_utc(),
    )
    prefill_commitments(award, application)
    first = (amount * Decimal("0.4")).quantize(Decimal("0.01"))
    add_milestones(
        award,
        [
            dict(
                deliverable="Plan de trabajo y diagnóstico de las cinco colonias",
                verification="Plan firmado y diagnóstico entregado",
                due_date=start + timedelta(days=45),
                amount=first,
            ),
            dict(
                deliverable="Informe final con 300 mediaciones concluidas",
                verification="Informe final, actas de mediación y listas de asistencia",
                due_date=date(2028, 1, 15),
                amount=amount - first,
            ),
        ],
        first=1,
    )
    db.session.add(
        RiskAssessment(
            award_id=award.id,
            answers=dict.fromkeys(RISK_ITEMS, "satisfactory"),
            level="low",
            proposed_conditions=[],
            assessed_by_id=manager.id,
        )
    )
    db.session.flush()
    return award


def _agreement(award, manager) -> None:
    from portal.awards.agreement import canonical_json, content_of, render_and_store, sha256_hex
    from portal.pdf.dates import programme_today

    number = f"{award.application.reference}-A1"
    language = "bilingual" if award.application.call.programme.bilingual_agreement else "es"
    issued = now_utc()
    content = content_of(award, number, 1, language, programme_today(issued))
    agreement = build_agreement(
        award,
        manager,
        number=number,
        language=language,
        content=content,
        content_hash=sha256_hex(canonical_json(content)),
        issued_dt=issued,
    )
    render_and_store(agreement, manager)
