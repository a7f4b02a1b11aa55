"""Demo applications for ``make run`` (a stage of ``portal.demo.seed.STAGES``, after calls).

On CONV-2026-01: a submitted application of Justicia Cercana, A.C. (complete answers, budget
with cash and in-kind co-finance, a reference number) and a draft of Mediación y Soluciones
del Desierto (half-filled; a company, so the eligibility check explains why it cannot submit).
Idempotent (looked up by call, organisation and title); like the rest of the seed it writes
no audit entries, sends no e-mail and does not commit. Documents are left to the walk-through.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.applications.builders import build_application
from portal.applications.models import Application
from portal.calls.models import Call
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
        ("personnel", "Coordinación y personas mediadoras (12 meses)", "420000.00", "60000.00"),
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


def find(call: Call, organisation, title: str) -> Application | None:
    """The demo application of ``organisation`` titled ``title`` on ``call``."""
    return db.session.scalar(
        select(Application).filter_by(call_id=call.id, organisation_id=organisation.id, title=title)
    )


def budget(spec: dict) -> dict:
    """The spec's budget lines and co-finance sources as builder arguments."""
    return {
        "lines": [
            dict(category=c, description=text, requested=requested, cofinance=cofinance)
            for c, text, requested, cofinance in spec.get("lines", ())
        ],
        "sources": [
            dict(
                contributor_name=name,
                contributor_type=kind,
                nature=nature,
                counts_as=counts,
                amount=amount,
                valuation_basis=basis,
            )
            for name, kind, nature, counts, amount, basis in spec.get("sources", ())
        ],
    }


def _ensure(world, call: Call, spec: dict, submit: bool) -> None:
    organisation = world.organisations.get(spec["rfc"])
    if organisation is None or find(call, organisation, spec["title"]) is not None:
        return
    user = world.user(spec["by"])
    now = now_utc()
    started = now - timedelta(days=3)
    submitted = now - timedelta(days=1)
    build_application(
        call,
        organisation,
        user,
        title=spec["title"],
        answers=spec["answers"],
        quiz=spec.get("quiz", {"legal_entity": "yes", "elected_office": "no"}),
        eligibility_dt=started,
        created_dt=started,
        updated_dt=now,
        history=[
            (None, "draft", started),
            *([("draft", "submitted", submitted)] if submit else []),
        ],
        **({"status": "submitted", "submitted_dt": submitted} if submit else {}),
        **budget(spec),
    )
    world.created["application"] += 1
