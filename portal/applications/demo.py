"""Demo applications for ``make run`` (a stage of ``portal.demo.seed.STAGES``, after calls).

On CONV-2026-01: a submitted application of Justicia Cercana, A.C. (complete answers, budget
with cash and in-kind co-finance, a reference number) and a draft of Mediación y Soluciones
del Desierto (half-filled; a company, so the eligibility check explains why it cannot submit).
Idempotent (looked up by call, organisation and title); like the rest of the seed it writes
no audit entries, sends no e-mail and does not commit. Documents are left to the walk-through.
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

CALL = "CONV-2026-01"

SUBMITTED = {
    "rfc": "JCE150312LT4",
    "by": "direccion@justiciacercana.example",
    "title": "Mediación vecinal en colonias de Monterrey",
    "answers": {
        "project_title": "Mediación vecinal en colonias de Monterrey",
        "summary": "Centros de mediación comunitaria en cinco colonias del oriente de Monterrey, "
        "con personas mediadoras capacitadas y acompañamiento jurídico gratuito.",
        "themes": ["mediation", "legal_aid"],
        "beneficiaries": "1200",
        "start_date": "2027-02-01",
        "has_partners": "no",
    },
    "lines": [
        ("personnel", "Coordinación y mediadores (12 meses)", "420000.00", "60000.00"),
        ("services", "Capacitación en mediación", "80000.00", "0.00"),
        ("equipment", "Uso de salones comunitarios", "0.00", "90000.00"),
    ],
    "sources": [
        ("Justicia Cercana, A.C.", "applicant", "cash", "cost_share", "60000.00", None),
        (
            "Municipio de Monterrey",
            "state_institution",
            "in_kind",
            "cost_share",
            "90000.00",
            "Valor de renta justo de tres salones, 12 meses",
        ),
        ("Fundación Regional del Norte", "other_donor", "cash", "leverage", "50000.00", None),
    ],
}

DRAFT = {
    "rfc": "MSD180620K7A",
    "by": "direccion@mediasonora.example",
    "title": "Mediación empresarial en Hermosillo",
    "answers": {"project_title": "Mediación empresarial en Hermosillo", "has_partners": "yes"},
    "quiz": {"legal_entity": "yes", "elected_office": "no"},
}


def seed_applications(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    if call is None:
        return
    _ensure(world, call, SUBMITTED, submit=True)
    _ensure(world, call, DRAFT, submit=False)
    db.session.flush()


def _ensure(world, call: Call, spec: dict, submit: bool) -> None:
    organisation = world.organisations.get(spec["rfc"])
    if organisation is None:
        return
    found = db.session.scalar(
        select(Application.id).filter_by(
            call_id=call.id, organisation_id=organisation.id, title=spec["title"]
        )
    )
    if found is not None:
        return
    user = world.user(spec["by"])
    quiz = spec.get("quiz", {"legal_entity": "yes", "elected_office": "no"})
    reasons = eligibility_reasons(call, quiz, organisation)
    now = now_utc()
    submitted = _submitted(call, user, now - timedelta(days=1)) if submit else {}
    application = Application(
        call=call,
        organisation=organisation,
        created_by_id=user.id,
        currency=call.currency,
        title=spec["title"],
        answers=dict(spec["answers"]),
        eligibility_answers=quiz,
        eligible=not reasons,
        ineligibility=[{"kind": r.kind, "key": r.key, "text": dict(r.text)} for r in reasons],
        eligibility_dt=now - timedelta(days=3),
        created_dt=now - timedelta(days=3),
        updated_dt=now,
        lines=[],
        sources=[],
        **submitted,
    )
    db.session.add(application)
    _budget(application, spec)
    db.session.flush()
    _history(application, user, now - timedelta(days=3), None, "draft")
    if submit:
        _history(application, user, submitted["submitted_dt"], "draft", "submitted")
    world.created["application"] += 1


def _budget(application: Application, spec: dict) -> None:
    for position, (category, text, requested, cofinance) in enumerate(spec.get("lines", ())):
        application.lines.append(
            BudgetLine(
                category=category,
                description=text,
                requested=Decimal(requested),
                cofinance=Decimal(cofinance),
                position=position,
            )
        )
    for position, (name, kind, nature, counts, amount, basis) in enumerate(spec.get("sources", ())):
        application.sources.append(
            CofinanceSource(
                contributor_name=name,
                contributor_type=kind,
                nature=nature,
                counts_as=counts,
                amount=Decimal(amount),
                valuation_basis=basis,
                position=position,
            )
        )
    refresh_totals(application)


def _submitted(call: Call, user, when) -> dict:
    """The columns of an application created already submitted (seeds make no moves)."""
    number = next_number(call.id)
    return {
        "status": "submitted",
        "form_snapshot": form_snapshot(call),
        "form_version": call.form_version,
        "number": number,
        "reference": format_reference(call.code, number),
        "submitted_dt": when,
        "submitted_by_id": user.id,
    }


def _history(application, user, when, before, after) -> None:
    db.session.add(
        StatusChange(
            application_id=application.id,
            from_status=before,
            to_status=after,
            by_id=user.id,
            created_dt=when,
        )
    )
