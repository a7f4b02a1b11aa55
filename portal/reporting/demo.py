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

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.accounts.roles import Role
from portal.applications.models import Application, BudgetLine, CofinanceSource
from portal.awards.constants import AgreementStatus, AwardStatus, MilestoneStatus
from portal.awards.models import Agreement, Award, CofinanceCommitment, Milestone
from portal.calls.models import Call, Programme
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc
from portal.finance import deadlines, ledger
from portal.finance.constants import CERTIFICATION_SOURCE, RequestStatus
from portal.finance.models import CofinanceContribution, PaymentRequest
from portal.reporting.models import ExchangeRate

D = Decimal
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"
RATE = D("18.3275")  # USD/MXN, Banco de México FIX

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
        award = _grant(call, organisation, manager, signatory, reference, spec)
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
    from portal.calls.demo import _new_call

    programme = db.session.scalar(select(Programme).filter_by(name_es=PROGRAMME["name_es"]))
    if programme is None:
        programme = Programme(**PROGRAMME)
        programme.managers = [u for u in world.users.values() if u.has_role(Role.GRANTS_MANAGER)]
        db.session.add(programme)
        db.session.flush()
        world.created["usd_programme"] += 1
    call = db.session.scalar(select(Call).filter_by(code=CALL["code"]))
    if call is None:
        call = _new_call(programme, CALL)
        call.applicant_kinds = ["cso", "company", "academic"]
        world.created["usd_call"] += 1
    return call


def _due(value) -> date:
    return value if isinstance(value, date) else deadlines.today() + timedelta(days=value)


def _grant(call, organisation, manager, signatory, reference, spec) -> Award:
    amount = D(spec["amount"])
    cost_share = sum((D(c[4]) for c in spec["commitments"] if c[3] == "cost_share"), D(0))
    leverage = sum((D(c[4]) for c in spec["commitments"] if c[3] == "leverage"), D(0))
    application = Application(
        call_id=call.id,
        organisation_id=organisation.id,
        created_by_id=signatory.id,
        submitted_by_id=signatory.id,
        number=spec["number"],
        reference=reference,
        title=spec["title"],
        status="awarded",
        currency=call.currency,
        requested_total=amount,
        cost_share_total=cost_share,
        leverage_total=leverage,
        cofinance_pct=(cost_share * 100 / (amount + cost_share)).quantize(D("0.01")),
        submitted_dt=(call.closes_dt or now_utc()) - timedelta(days=2),
        form_snapshot=form_snapshot(call),
        form_version=call.form_version,
    )
    application.lines = [
        BudgetLine(
            category="services",
            description=spec["title"],
            requested=amount,
            cofinance=cost_share,
            position=0,
        )
    ]
    application.sources = [
        CofinanceSource(
            contributor_name=name,
            contributor_type=kind,
            nature=nature,
            counts_as=counts_as,
            amount=D(value),
            valuation_basis=basis,
            position=i,
        )
        for i, (name, kind, nature, counts_as, value, basis) in enumerate(spec["commitments"])
    ]
    db.session.add(application)
    db.session.flush()
    award = Award(
        application_id=application.id,
        call_id=call.id,
        programme_id=call.programme_id,
        organisation_id=organisation.id,
        status=AwardStatus.ACTIVE.value,
        instrument="fixed_amount",
        amount=amount,
        currency=call.currency,
        start_date=date(2026, 3, 1),
        end_date=date(2027, 8, 31),
        justification="Convocatoria binacional 2025.",
        proposed_by_id=manager.id,
    )
    db.session.add(award)
    db.session.flush()
    half = (amount / 2).quantize(D("0.01"))
    award.milestones.extend(
        Milestone(
            position=i,
            deliverable=text,
            verification="Informe, actas de mediación y listas de asistencia",
            due_date=_due(due),
            amount=value,
            currency=award.currency,
            status=MILESTONE_STATES.get(state, MilestoneStatus.PLANNED.value),
        )
        for i, (text, (due, state), value) in enumerate(
            zip(
                ("Diagnóstico y primeras mediaciones", "Informe final"),
                spec["milestones"],
                (half, amount - half),
                strict=True,
            )
        )
    )
    award.commitments.extend(
        CofinanceCommitment(
            contributor_name=name,
            contributor_type=kind,
            nature=nature,
            counts_as=counts_as,
            amount=D(value),
            valuation_basis=basis,
            position=i,
        )
        for i, (name, kind, nature, counts_as, value, basis) in enumerate(spec["commitments"])
    )
    number = f"{reference}-A1"
    db.session.add(
        Agreement(
            award_id=award.id,
            number=number,
            version=1,
            status=AgreementStatus.ACTIVE.value,
            content={"demo": True, "number": number},
            content_hash=hashlib.sha256(f"demo agreement {number}".encode()).hexdigest(),
            frozen=True,
            issued_by_id=manager.id,
        )
    )
    db.session.flush()
    return award


def _request(award, milestone, signatory, status: RequestStatus, certified_dt, **kw):
    """A payment request created in ``status`` (seeds make no moves)."""
    request = PaymentRequest(
        award_id=award.id,
        milestone_id=milestone.id,
        status=status.value,
        narrative="Entregable concluido; evidencia adjunta en el informe.",
        amount=milestone.amount,
        currency=award.currency,
        created_by_id=signatory.id,
        certification_text=CERTIFICATION_SOURCE,
        certified_name=signatory.full_name,
        certified_by_id=signatory.id,
        certified_dt=certified_dt,
        **kw,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _progress(award, spec, signatory, manager, officer) -> None:
    """Pay the milestones marked ``paid``; submit the evidence of those marked ``waiting``
    (the milestones were created in their state: see ``MILESTONE_STATES``)."""
    for milestone, (_due_on, state) in zip(award.milestones, spec["milestones"], strict=True):
        if state == "waiting":
            _request(
                award, milestone, signatory, RequestStatus.SUBMITTED, now_utc() - timedelta(days=16)
            )
        elif state == "paid":
            request = _request(
                award,
                milestone,
                signatory,
                RequestStatus.PAID,
                now_utc(),
                deliverable_by_id=manager.id,
                deliverable_dt=now_utc(),
                approved_amount=milestone.amount,
                payment_by_id=officer.id,
                payment_dt=now_utc(),
            )
            entry = ledger.Entry(
                paid_on=min(milestone.due_date + timedelta(days=3), deadlines.today()),
                amount=milestone.amount,
                currency=award.currency,
                bank_reference=f"SPEI {award.id}-{milestone.id}",
                clabe=spec["clabe"],
                idempotency_key=f"demo-reporting-{milestone.id}",
            )
            ledger.record(award.id, entry, officer, milestone_id=milestone.id, request=request)
    db.session.flush()


def _contributions(award, spec, signatory, officer) -> None:
    for index, name, nature, counts_as, amount, on, status in spec["contributions"]:
        commitment = award.commitments[index] if index is not None else None
        contribution = CofinanceContribution(
            award_id=award.id,
            commitment_id=commitment.id if commitment else None,
            contributor_name=commitment.contributor_name if commitment else name,
            nature=nature,
            counts_as=counts_as,
            amount=D(amount),
            currency=award.currency,
            valuation_basis=commitment.valuation_basis if commitment else None,
            contributed_on=on,
            reported_by_id=signatory.id,
            status=status,
        )
        if status != "reported":
            contribution.verified_by_id = officer.id
            contribution.verified_dt = now_utc()
        if status == "rejected":
            contribution.reason = "No se adjuntó el comprobante de la transferencia."
        db.session.add(contribution)
