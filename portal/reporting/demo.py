"""Demo data for the finance dashboard (the last stage of ``portal.demo.seed.STAGES``).

Adds to what the finance stage built (four MXN grants of Justicia Cercana in Nuevo León, one
with an overdue milestone report, one with a co-finance shortfall):

- a second programme in US dollars, "Ventana Binacional de Cofinanciamiento", managed by the
  demo grants manager, with a closed call CONV-2025-02;
- two active USD grants under it: one of Mediación y Soluciones del Desierto (Sonora), half
  paid, with co-finance from a private company (verified), the grantee itself (rejected) and an
  unassigned contribution, and its last milestone report due in 12 days; one of Justicia
  Cercana with a payment request waiting on the grants manager for 16 days (past the service
  level);
- a stored USD/MXN rate, so the dashboard shows a converted total.

Dates that make the dashboard interesting (due soon, waiting) are relative to the day of the
seed. Idempotent (programme by name, call by code, grants by application reference, the rate
by pair); like the rest of the seed: no audit entries, no e-mail, no commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.builders import build_active_grant
from portal.awards.constants import MilestoneStatus
from portal.awards.models import Award
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.finance import deadlines
from portal.finance.builders import build_contribution, build_paid_request, build_request
from portal.finance.constants import RequestStatus
from portal.reporting.models import ExchangeRate

D = Decimal
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"
RATE = D("18.3275")  # USD/MXN, Banco de México FIX
REJECTED = "No se adjuntó el comprobante de la transferencia."

PROGRAMME = {
    "name_es": "Ventana Binacional de Cofinanciamiento",
    "name_en": "Binational Co-financing Window",
    "donor": "Fondo Binacional Ejemplo",
    "currency": "USD",
    "envelope": D("1500000.00"),
}
CALL = {
    "code": "CONV-2025-02",
    "status": "closed",
    "timezone": "America/Mexico_City",
    "opens": -210,
    "closes": -150,
    "title_es": "Justicia cotidiana en la frontera norte",
    "title_en": "Everyday justice on the northern border",
    "description_es": "Convocatoria cerrada, en dólares estadounidenses.",
    "description_en": "Closed call, in US dollars.",
    "budget": "600000.00",
    "min_award": "20000.00",
    "max_award": "150000.00",
    "pct": "15.00",
}

# The state each milestone of a grant is created in: "waiting" has its evidence submitted.
MILESTONE_STATES = {"waiting": MilestoneStatus.SUBMITTED.value, "paid": MilestoneStatus.PAID.value}

# commitment: (contributor, type, nature, counts_as, amount, valuation basis)
# contribution: (commitment index or None, contributor, nature, counts_as, amount, date, status)
GRANTS = (
    {
        "number": 1,
        "rfc": "MSD180620K7A",
        "signatory": "direccion@mediasonora.example",
        "clabe": "032180000118359719",
        "title": "Mediación comercial comunitaria en Hermosillo",
        "amount": "80000.00",
        "commitments": (
            (
                "Cobre del Desierto, S.A. de C.V.",
                "private_company",
                "cash",
                "cost_share",
                "16000.00",
                None,
            ),
            (
                "Mediación y Soluciones del Desierto (recursos propios)",
                "applicant",
                "cash",
                "cost_share",
                "4000.00",
                None,
            ),
            (
                "Gobierno del Estado de Sonora",
                "state_institution",
                "in_kind",
                "leverage",
                "10000.00",
                "Salas del Centro de Justicia Alternativa a valor de renta",
            ),
        ),
        "contributions": (
            (0, None, "cash", "cost_share", "12000.00", date(2026, 7, 15), "verified"),
            (1, None, "cash", "cost_share", "2000.00", date(2026, 8, 1), "rejected"),
            (
                None,
                "Cámara de Comercio de Hermosillo",
                "cash",
                "leverage",
                "3000.00",
                date(2026, 9, 1),
                "reported",
            ),
        ),
        # first milestone paid; the second one's report is due in 12 days
        "milestones": ((date(2026, 6, 30), "paid"), (12, "planned")),
    },
    {
        "number": 2,
        "rfc": "JCE150312LT4",
        "signatory": "direccion@justiciacercana.example",
        "clabe": "072580011111111118",
        "title": "Orientación jurídica a personas migrantes en Monterrey",
        "amount": "50000.00",
        "commitments": (
            (
                "Fundación Binacional para la Justicia",
                "other_donor",
                "cash",
                "cost_share",
                "10000.00",
                None,
            ),
            (
                "Despacho Treviño y Asociados, S.C.",
                "private_company",
                "in_kind",
                "leverage",
                "5000.00",
                "Horas de abogados pro bono a tarifa de mercado",
            ),
        ),
        "contributions": (
            (0, None, "cash", "cost_share", "4000.00", date(2026, 9, 15), "verified"),
        ),
        # first milestone's evidence submitted 16 days ago, waiting on the grants manager
        "milestones": ((-20, "waiting"), (date(2027, 6, 30), "planned")),
    },
)


def seed_reporting(world) -> None:
    users = [world.users.get(e) for e in (MANAGER, OFFICER)]
    if None in users:
        return
    manager, officer = users
    call = _call(world, manager)
    for spec in GRANTS:
        organisation = world.organisations.get(spec["rfc"])
        signatory = world.users.get(spec["signatory"])
        reference = f"{call.code}-{spec['number']:04d}"
        if organisation is None or signatory is None:
            continue
        if db.session.scalar(select(Application.id).filter_by(reference=reference)):
            continue
        award = _grant(call, organisation, manager, signatory, spec)
        world.created["reporting_grant"] += 1
        _progress(award, spec, signatory, manager, officer)
        _contributions(award, spec, signatory, officer)
        world.created["reporting_contribution"] += len(spec["contributions"])
    if db.session.scalar(select(ExchangeRate.id).filter_by(base="USD", quote="MXN")) is None:
        db.session.add(
            ExchangeRate(
                rate_on=deadlines.today(),
                rate=RATE,
                source="banxico_fix",
                recorded_by_id=officer.id,
            )
        )
        world.created["exchange_rate"] += 1
    db.session.flush()


def _call(world, manager) -> Call:
    from portal.calls.demo import demo_call, ensure_programme

    programme = ensure_programme(world, PROGRAMME, "usd_programme")
    call = db.session.scalar(select(Call).filter_by(code=CALL["code"]))
    if call is None:
        call = demo_call(programme, CALL)
        call.applicant_kinds = ["cso", "company", "academic"]
        world.created["usd_call"] += 1
    return call


def _due(value) -> date:
    return value if isinstance(value, date) else deadlines.today() + timedelta(days=value)


def _grant(call, organisation, manager, signatory, spec) -> Award:
    amount = D(spec["amount"])
    half = (amount / 2).quantize(D("0.01"))
    return build_active_grant(
        call,
        organisation,
        signatory,
        manager,
        number=spec["number"],
        title=spec["title"],
        amount=amount,
        submitted_dt=(call.closes_dt or now_utc()) - timedelta(days=2),
        cofinance=[
            dict(
                contributor_name=name,
                contributor_type=kind,
                nature=nature,
                counts_as=counts_as,
                amount=value,
                valuation_basis=basis,
            )
            for name, kind, nature, counts_as, value, basis in spec["commitments"]
        ],
        milestones=[
            dict(
                deliverable=text,
                verification="Informe, actas de mediación y listas de asistencia",
                due_date=_due(due),
                amount=value,
                status=MILESTONE_STATES.get(state, MilestoneStatus.PLANNED.value),
            )
            for text, (due, state), value in zip(
                ("Diagnóstico y primeras mediaciones", "Informe final"),
                spec["milestones"],
                (half, amount - half),
                strict=True,
            )
        ],
        start_date=date(2026, 3, 1),
        end_date=date(2027, 8, 31),
        justification="Convocatoria binacional 2025.",
    )


def _progress(award, spec, signatory, manager, officer) -> None:
    """Pay the milestones marked ``paid``; submit the evidence of those marked ``waiting``
    (the milestones were created in their state: see ``MILESTONE_STATES``)."""
    for milestone, (_due_on, state) in zip(award.milestones, spec["milestones"], strict=True):
        if state == "waiting":
            build_request(
                award,
                milestone,
                signatory,
                status=RequestStatus.SUBMITTED.value,
                certified_dt=now_utc() - timedelta(days=16),
            )
        elif state == "paid":
            build_paid_request(
                award,
                milestone,
                signatory,
                manager,
                officer,
                paid_on=min(milestone.due_date + timedelta(days=3), deadlines.today()),
                bank_reference=f"SPEI {award.id}-{milestone.id}",
                clabe=spec["clabe"],
                idempotency_key=f"demo-reporting-{milestone.id}",
            )
    db.session.flush()


def _contributions(award, spec, signatory, officer) -> None:
    for index, name, nature, counts_as, amount, on, status in spec["contributions"]:
        build_contribution(
            award,
            signatory,
            commitment=award.commitments[index] if index is not None else None,
            contributor_name=name,
            nature=nature,
            counts_as=counts_as,
            amount=amount,
            contributed_on=on,
            status=status,
            verified_by=officer,
            reason=REJECTED if status == "rejected" else None,
        )
