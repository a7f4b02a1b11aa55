"""Demo grants for the finance pages (appended at the end of ``portal.demo.seed.STAGES``).

Four active grants of Justicia Cercana under last year's closed call CONV-2025-01, each at a
different stage: no payment yet, partly paid, fully paid, and partly paid with a co-finance
shortfall. Inserted directly in their states by the builders (the awards stage creates one award
waiting for signatures, which the README walk-through signs). Idempotent: grants are found by their
application reference. Like the rest of the seed: no audit entries, no e-mail, no commit.
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
from portal.finance.builders import build_contribution, build_paid_request
from portal.finance.constants import ContributionStatus

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


# The co-finance of every grant (the cost share is the grant's own).
COFINANCE = (
    dict(
        contributor_name="Municipio (salones y personal)",
        contributor_type="state_institution",
        nature="in_kind",
        counts_as="cost_share",
        valuation_basis="Renta de salones a valor de mercado",
    ),
    dict(
        contributor_name="Fundación Norte",
        contributor_type="other_donor",
        nature="cash",
        counts_as="leverage",
        amount=D("25000.00"),
    ),
)


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
        award = _grant(call, organisation, manager, signatory, spec)
        world.created["finance_grant"] += 1
        for milestone in award.milestones[: spec[3]]:
            build_paid_request(
                award,
                milestone,
                signatory,
                manager,
                officer,
                # delivered early: never paid ahead
                paid_on=min(milestone.due_date, deadlines.today()),
                bank_reference=f"SPEI {award.id}-{milestone.id}",
                clabe=CLABE,
                idempotency_key=f"demo-{milestone.id}",
            )
            world.created["disbursement"] += 1
        verified = D(spec[5])
        build_contribution(
            award,
            signatory,
            commitment=award.commitments[0],
            nature="in_kind",
            amount=verified if verified else D("20000.00"),
            contributed_on=date(2026, 3, 31),
            **(
                {"status": ContributionStatus.VERIFIED.value, "verified_by": officer}
                if verified
                else {}
            ),
        )
        world.created["cofinance_contribution"] += 1
    db.session.flush()


def _grant(call, organisation, manager, signatory, spec) -> Award:
    number, title, amount, paid, cost_share, _verified = spec
    half = (D(amount) / 2).quantize(D("0.01"))
    return build_active_grant(
        call,
        organisation,
        signatory,
        manager,
        number=number,
        title=title,
        amount=amount,
        # Submitted before the (closed) call's deadline, against the call's frozen form.
        submitted_dt=(call.closes_dt or now_utc()) - timedelta(days=3),
        form_version=1,
        cofinance=[{**COFINANCE[0], "amount": cost_share}, COFINANCE[1]],
        milestones=[
            dict(
                deliverable=text,
                verification="Informe y listas de asistencia",
                due_date=due,
                amount=value,
                # Seeded in its state: the first ``paid`` milestones were paid.
                status=MilestoneStatus.PAID.value if i < paid else MilestoneStatus.PLANNED.value,
            )
            for i, (text, due, value) in enumerate(
                (
                    ("Plan de trabajo y primeras sesiones", date(2026, 4, 30), half),
                    ("Informe final", date(2027, 1, 15), D(amount) - half),
                )
            )
        ],
        start_date=date(2026, 2, 1),
        end_date=date(2027, 1, 31),
        advance_limit=D(ADVANCE_LIMITS[number]) if number in ADVANCE_LIMITS else None,
        justification="Convocatoria 2025.",
    )
