"""Demo programme and calls for ``make run`` (a stage for ``portal.demo.seed.STAGES``).

One programme managed by the demo grants manager, with three calls: CONV-2026-01 published
and open (complete form, documents and quiz: the applicant can fail and pass the eligibility
check), CONV-2026-02 a draft in Sonora's time zone (for the grants manager to finish and
publish), CONV-2025-01 closed. Idempotent (looked up by name and code); like the rest of the
seed it writes no audit entries and does not commit.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.accounts.roles import Role
from portal.calls.builders import build_call, build_programme
from portal.calls.models import Call, Programme
from portal.calls.operations import freeze_form_version
from portal.calls.rules import local_to_utc
from portal.core.db import db, now_utc

PROGRAMME = {
    "name_es": "Fondo de Cofinanciamiento para la Justicia Cotidiana",
    "name_en": "Everyday Justice Co-financing Fund",
    "donor": "Fundación Ejemplo para el Estado de Derecho",
    "currency": "MXN",
    "envelope": Decimal("25000000.00"),
}

SLOTS = tuple(
    dict(
        key=key,
        label_es=es,
        label_en=en,
        allowed_types=types,
        max_size_mb=size,
        mandatory=mandatory,
    )
    for key, es, en, types, size, mandatory in (
        ("workplan", "Plan de trabajo", "Work plan", ["pdf", "docx"], 10, True),
        ("budget_sheet", "Presupuesto detallado", "Detailed budget", ["xlsx", "csv"], 5, True),
        ("letters", "Cartas compromiso", "Commitment letters", ["pdf", "jpeg", "png"], 10, False),
    )
)

OPTIONS = [
    {"key": "mediation", "es": "Mediación comunitaria", "en": "Community mediation"},
    {"key": "legal_aid", "es": "Asesoría jurídica gratuita", "en": "Free legal aid"},
    {"key": "victims", "es": "Atención a víctimas", "en": "Support for victims"},
]

QUESTIONS = (
    dict(
        key="project_title",
        kind="short_text",
        label_es="Título del proyecto",
        label_en="Project title",
        required=True,
        max_chars=200,
    ),
    dict(
        key="summary",
        kind="long_text",
        label_es="Resumen del proyecto",
        label_en="Project summary",
        required=True,
        max_chars=2000,
        help_es="Problema, población atendida y resultados esperados.",
        help_en="Problem, people served and expected results.",
    ),
    dict(
        key="themes",
        kind="multiple_choice",
        label_es="Líneas temáticas",
        label_en="Thematic lines",
        required=True,
        options=OPTIONS,
    ),
    dict(
        key="beneficiaries",
        kind="number",
        label_es="Personas beneficiarias (estimación)",
        label_en="People served (estimate)",
        required=True,
        min_value=1,
        max_value=1_000_000,
    ),
    dict(
        key="start_date",
        kind="date",
        label_es="Fecha de inicio prevista",
        label_en="Planned start date",
        required=True,
    ),
    dict(
        key="has_partners",
        kind="yes_no",
        label_es="¿Trabajará con instituciones públicas?",
        label_en="Will you work with public institutions?",
        required=True,
    ),
    dict(
        key="partners",
        kind="long_text",
        label_es="Instituciones y su papel",
        label_en="Institutions and their role",
        required=True,
        max_chars=1000,
        show_if_key="has_partners",
        show_if_value="yes",
    ),
    dict(
        key="partner_letters",
        kind="document",
        label_es="Cartas de las instituciones",
        label_en="Letters from the institutions",
        document_slot_key="letters",
        show_if_key="has_partners",
        show_if_value="yes",
    ),
    dict(
        key="workplan_doc",
        kind="document",
        label_es="Plan de trabajo",
        label_en="Work plan",
        required=True,
        document_slot_key="workplan",
    ),
)

QUIZ = (
    dict(
        key="legal_entity",
        kind="yes_no",
        label_es="¿Su organización está legalmente constituida en México?",
        label_en="Is your organisation legally constituted in Mexico?",
        ineligible_answers=["no"],
        reason_es="Solo pueden participar organizaciones legalmente constituidas en México.",
        reason_en="Only organisations legally constituted in Mexico can apply.",
    ),
    dict(
        key="elected_office",
        kind="yes_no",
        label_es="¿Algún integrante del órgano de gobierno ocupa un cargo de elección popular?",
        label_en="Does any board member hold elected office?",
        ineligible_answers=["yes"],
        reason_es=(
            "Las personas integrantes del órgano de gobierno no pueden ocupar cargos de elección."
        ),
        reason_en="Board members cannot hold elected office.",
    ),
)

CALLS = (
    dict(
        code="CONV-2026-01",
        status="published",
        timezone="America/Mexico_City",
        opens=-10,
        closes=45,
        title_es="Justicia cercana: mediación y asesoría en comunidades",
        title_en="Justice close to home: mediation and legal aid in communities",
        description_es=(
            "Cofinanciamos proyectos de organizaciones civiles e instituciones "
            "académicas que acerquen la justicia cotidiana a las comunidades.\n\n"
            "Se requiere una aportación mínima del 20\u00a0% del costo total."
        ),
        description_en=(
            "We co-finance projects by civil-society organisations and academic "
            "institutions that bring everyday justice closer to communities.\n\n"
            "A contribution of at least 20% of the total cost is required."
        ),
        budget="5000000.00",
        min_award="200000.00",
        max_award="800000.00",
        pct="20.00",
    ),
    dict(
        code="CONV-2026-02",
        status="draft",
        timezone="America/Hermosillo",
        opens=20,
        closes=80,
        title_es="Atención a víctimas en Sonora",
        title_en="Support for victims in Sonora",
        description_es="Convocatoria en preparación.",
        description_en="Call in preparation.",
        budget="3000000.00",
        min_award="100000.00",
        max_award="500000.00",
        pct="15.00",
    ),
    dict(
        code="CONV-2025-01",
        status="closed",
        timezone="America/Mexico_City",
        opens=-200,
        closes=-120,
        title_es="Fortalecimiento de defensorías públicas",
        title_en="Strengthening public defence",
        description_es="Convocatoria cerrada.",
        description_en="Closed call.",
        budget="2000000.00",
        min_award="100000.00",
        max_award="400000.00",
        pct="10.00",
    ),
)


NOTICES = (
    dict(
        kind="faq",
        title_es="¿Pueden participar universidades públicas?",
        title_en="Can public universities apply?",
        body_es="Sí, como instituciones académicas.",
        body_en="Yes, as academic institutions.",
    ),
)


def seed_calls(world) -> None:
    """The stage: programme, then each call with its form (see module docstring)."""
    programme = ensure_programme(world, PROGRAMME, "programme")
    for spec in CALLS:
        if db.session.scalar(select(Call.id).filter_by(code=spec["code"])) is None:
            demo_call(programme, spec)
            world.created["call"] += 1
    db.session.flush()


def ensure_programme(world, spec: dict, kind: str) -> Programme:
    """The programme named ``spec["name_es"]``, created (managed by the demo grants managers)
    when missing and counted as ``kind``."""
    programme = db.session.scalar(select(Programme).filter_by(name_es=spec["name_es"]))
    if programme is None:
        managers = [u for u in world.users.values() if u.has_role(Role.GRANTS_MANAGER)]
        programme = build_programme(**spec, managers=managers)
        world.created[kind] += 1
    return programme


def demo_call(programme: Programme, spec: dict) -> Call:
    """A call created in its state (seeds make no moves): opening and closing days relative to
    today in the call's zone; the form frozen unless it is a draft."""
    zone = spec["timezone"]
    today = now_utc().astimezone(ZoneInfo(zone)).date()
    opens = local_to_utc(datetime.combine(today + timedelta(days=spec["opens"]), time(9, 0)), zone)
    closes = local_to_utc(
        datetime.combine(today + timedelta(days=spec["closes"]), time(23, 59)), zone
    )
    sonora = zone == "America/Hermosillo"
    draft = spec["status"] == "draft"
    call = build_call(
        programme,
        spec["code"],
        status=spec["status"],
        title_es=spec["title_es"],
        title_en=spec["title_en"],
        description_es=spec["description_es"],
        description_en=spec["description_en"],
        applicant_kinds=["cso", "academic"],
        all_states=not sonora,
        state_codes=["26"] if sonora else [],
        thematic_areas=[{"es": o["es"], "en": o["en"]} for o in OPTIONS],
        timezone=zone,
        opens_dt=opens,
        closes_dt=closes,
        budget=Decimal(spec["budget"]),
        min_award=Decimal(spec["min_award"]),
        max_award=Decimal(spec["max_award"]),
        cofinance_min_pct=Decimal(spec["pct"]),
        offers_fixed_amount=True,
        offers_cost_reimbursable=not draft,
        published_dt=None if draft else opens,
        closed_dt=closes if spec["status"] == "closed" else None,
        document_slots=SLOTS,
        questions=QUESTIONS,
        quiz_questions=QUIZ,
        notices=NOTICES,
    )
    if not draft:
        freeze_form_version(call, None)
    return call
