"""Demo grants for the finance pages (appended at the end of ``portal.demo.seed.STAGES``).

Four active grants of Justicia Cercana under last year's closed call CONV-2025-01, each at a
different stage: no payment yet, partly paid, fully paid, and partly paid with a co-finance
shortfall. Built directly through the models (the awards stage creates one award waiting for
signatures, which the README walk-through signs). Idempotent: grants are found by their
application reference. Like the rest of the seed: no audit entries, no e-mail, no commit.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.applications.models import Application, BudgetLine, CofinanceSource
from portal.awards.constants import AgreementStatus, AwardStatus, MilestoneStatus
from portal.awards.models import Agreement, Award, CofinanceCommitment, Milestone
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc
from portal.finance import deadlines, ledger
from portal.finance.constants import CERTIFICATION_SOURCE, ContributionStatus, RequestStatus
from portal.finance.models import CofinanceContribution, PaymentRequest

CALL = "CONV-2025-01"
RFC = "JCE150312LT4"
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"
SIGNATORY = "direccion@justiciacercana.example"
CLABE = "072580011111111118"  # Banorte, check digit valid (see clabe.py)
D = Decimal

# (number, title, amount, milestones paid, cost share committed, cost share verified)
GRANTS = (
    (901, "Defensoría comunitaria en Apodaca", "200000.00", 0, "60000.00", "0.00"),
    (902, "Acompañamiento a víctimas en Guadalupe", "300000.00", 1, "90000.00", "45000.00"),
    (903, "Facilitadores judiciales en Escobedo", "240000.00", 2, "50000.00", "50000.00"),
    (904, "Mediación escolar en San Nicolás", "400000.00", 1, "150000.00", "15000.00"),
)
# Advances allowed by the terms (grant number → limit); the others allow none.
ADVANCE_LIMITS = {902: "60000.00"}


def seed_finance(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    organisation = world.organisations.get(RFC)
    users = [world.users.get(e) for e in (MANAGER, OFFICER, SIGNATORY)]
    if call is None or organisation is None or None in users:
        return
    manager, officer, signatory = users
    for spec in GRANTS:
        reference = f"{CALL}-{spec[0]:04d}"
        if db.session.scalar(select(Application.id).filter_by(reference=reference)):
            continue
        award = _grant(call, organisation, manager, signatory, reference, spec)
        world.created["finance_grant"] += 1
        for milestone in award.milestones[: spec[3]]:
            _paid_request(award, milestone, signatory, manager, officer)
            world.created["disbursement"] += 1
        _contribution(award, signatory, officer, D(spec[5]))
        world.created["cofinance_contribution"] += 1
    db.session.flush()


def _grant(call, organisation, manager, signatory, reference, spec) -> Award:
    number, title, amount, paid, cost_share, _verified = spec
    application = Application(
        call_id=call.id,
        organisation_id=organisation.id,
        created_by_id=signatory.id,
        submitted_by_id=signatory.id,
        number=number,
        reference=reference,
        title=title,
        status="awarded",
        currency=call.currency,
        requested_total=D(amount),
        cost_share_total=D(cost_share),
        leverage_total=D("25000.00"),
        cofinance_pct=(D(cost_share) * 100 / (D(amount) + D(cost_share))).quantize(D("0.01")),
        # Submitted before the (closed) call's deadline, against the call's frozen form.
        submitted_dt=(call.closes_dt or now_utc()) - timedelta(days=3),
        form_snapshot=form_snapshot(call),
        form_version=1,
    )
    application.lines = [
        BudgetLine(
            category="services",
            description=title,
            requested=D(amount),
            cofinance=D(cost_share),
            position=0,
        )
    ]
    application.sources = [
        CofinanceSource(
            contributor_name="Municipio (salones y personal)",
            contributor_type="state_institution",
            nature="in_kind",
            counts_as="cost_share",
            amount=D(cost_share),
            valuation_basis="Renta de salones a valor de mercado",
            position=0,
        ),
        CofinanceSource(
            contributor_name="Fundación Norte",
            contributor_type="other_donor",
            nature="cash",
            counts_as="leverage",
            amount=D("25000.00"),
            position=1,
        ),
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
        amount=D(amount),
        currency=call.currency,
        start_date=date(2026, 2, 1),
        end_date=date(2027, 1, 31),
        advance_limit=D(ADVANCE_LIMITS[number]) if number in ADVANCE_LIMITS else None,
        justification="Convocatoria 2025.",
        proposed_by_id=manager.id,
    )
    db.session.add(award)
    db.session.flush()
    half = (D(amount) / 2).quantize(D("0.01"))
    award.milestones.extend(
        Milestone(
            position=i,
            deliverable=text,
            verification="Informe y listas de asistencia",
            due_date=due,
            amount=value,
            currency=award.currency,
            # Seeded in its state: the first ``paid`` milestones were paid (``_paid_request``).
            status=MilestoneStatus.PAID.value if i < paid else MilestoneStatus.PLANNED.value,
        )
        for i, (text, due, value) in enumerate(
            (
                ("Plan de trabajo y primeras sesiones", date(2026, 4, 30), half),
                ("Informe final", date(2027, 1, 15), D(amount) - half),
            )
        )
    )
    award.commitments.extend(
        [
            CofinanceCommitment(
                contributor_name="Municipio (salones y personal)",
                contributor_type="state_institution",
                nature="in_kind",
                counts_as="cost_share",
                amount=D(cost_share),
                valuation_basis="Renta de salones a valor de mercado",
                position=0,
            ),
            CofinanceCommitment(
                contributor_name="Fundación Norte",
                contributor_type="other_donor",
                nature="cash",
                counts_as="leverage",
                amount=D("25000.00"),
                position=1,
            ),
        ]
    )
    db.session.add(
        Agreement(
            award_id=award.id,
            number=f"{reference}-A1",
            version=1,
            status=AgreementStatus.ACTIVE.value,
            content={"demo": True, "number": f"{reference}-A1"},
            # Each demo agreement gets its own hash so /verify/<hash> finds exactly one.
            content_hash=hashlib.sha256(f"demo agreement {reference}-A1".encode()).hexdigest(),
            frozen=True,
            issued_by_id=manager.id,
        )
    )
    db.session.flush()
    return award


def _paid_request(award, milestone, signatory, manager, officer) -> None:
    request = PaymentRequest(
        award_id=award.id,
        milestone_id=milestone.id,
        status=RequestStatus.PAID.value,  # seeded paid: its disbursement is recorded below
        narrative="Entregable concluido; evidencia adjunta en el informe.",
        amount=milestone.amount,
        currency=award.currency,
        created_by_id=signatory.id,
        certification_text=CERTIFICATION_SOURCE,
        certified_name=signatory.full_name,
        certified_by_id=signatory.id,
        certified_dt=now_utc(),
        deliverable_by_id=manager.id,
        deliverable_dt=now_utc(),
        approved_amount=milestone.amount,
        payment_by_id=officer.id,
        payment_dt=now_utc(),
    )
    db.session.add(request)
    db.session.flush()
    entry = ledger.Entry(
        paid_on=min(milestone.due_date, deadlines.today()),  # delivered early: never paid ahead
        amount=milestone.amount,
        currency=award.currency,
        bank_reference=f"SPEI {award.id}-{milestone.id}",
        clabe=CLABE,
        idempotency_key=f"demo-{milestone.id}",
    )
    ledger.record(award.id, entry, officer, milestone_id=milestone.id, request=request)


def _contribution(award, signatory, officer, verified: Decimal) -> None:
    commitment = award.commitments[0]
    contribution = CofinanceContribution(
        award_id=award.id,
        commitment_id=commitment.id,
        contributor_name=commitment.contributor_name,
        nature="in_kind",
        counts_as="cost_share",
        amount=verified if verified else D("20000.00"),
        currency=award.currency,
        valuation_basis=commitment.valuation_basis,
        contributed_on=date(2026, 3, 31),
        reported_by_id=signatory.id,
        **(
            {
                "status": ContributionStatus.VERIFIED.value,
                "verified_by_id": officer.id,
                "verified_dt": now_utc(),
            }
            if verified
            else {}
        ),
    )
    db.session.add(contribution)
