"""Demo grants for the closeout (a seed stage after the reporting stage, before the agreements'
PDFs: ``portal.demo.seed.STAGES``).

Two more grants of Justicia Cercana under the closed call CONV-2025-01, past their end date:
- CONV-2025-01-0905, in closeout: the first milestone paid, an advance of MXN 30,000 still
  outstanding (the walk-through records its refund), the final progress report approved, the
  final financial report submitted, the co-finance certified by the signatory; staff have not
  confirmed the documents yet.
- CONV-2025-01-0906, closed: fully paid, final reports approved, every checklist item done,
  closed by the grants manager with its closeout letter rendered and its records-retention date.

The final reports are created here when missing (same unique key as the reports' schedule:
award, kind, period end = the award's end date; due end date + the call's final_report_days).
Idempotent (grants found by their application reference); no audit entries, no e-mail, no
commit, like the rest of the seed.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from portal.applications.models import Application
from portal.awards.builders import build_active_grant
from portal.awards.constants import AwardStatus, MilestoneStatus
from portal.awards.models import Award
from portal.calls.models import Call
from portal.closeout import checklist, letter
from portal.closeout.models import Closeout
from portal.closeout.operations import COFINANCE_CERTIFICATION
from portal.core.db import db
from portal.finance import ledger
from portal.finance.builders import build_contribution, build_paid_request
from portal.finance.constants import ContributionStatus, Kind
from portal.reports.constants import ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportExpenditure

CALL = "CONV-2025-01"
RFC = "JCE150312LT4"
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"
SIGNATORY = "direccion@justiciacercana.example"
CLABE = "072580011111111118"
D = Decimal

# number, title, amount, start, end, milestones paid, closed
IN_CLOSEOUT = (905, "Orientación jurídica gratuita en Juárez", "200000.00")
CLOSED = (906, "Justicia restaurativa en Santa Catarina", "150000.00")
SPENT = {"personnel": "60000.00", "services": "25000.00", "travel": "8000.00", "other": "7000.00"}


def _at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def seed_closeout(world) -> None:
    call = db.session.scalar(select(Call).filter_by(code=CALL))
    organisation = world.organisations.get(RFC)
    users = [world.users.get(e) for e in (MANAGER, OFFICER, SIGNATORY)]
    if call is None or organisation is None or None in users:
        return
    manager, officer, signatory = users
    for spec, closed in ((IN_CLOSEOUT, False), (CLOSED, True)):
        reference = f"{CALL}-{spec[0]:04d}"
        if db.session.scalar(select(Application.id).filter_by(reference=reference)):
            continue
        _build(world, call, organisation, manager, officer, signatory, spec, closed)
    db.session.flush()


def _build(world, call, organisation, manager, officer, signatory, spec, closed: bool) -> None:
    number, title, amount = spec
    start, end = (
        (date(2025, 7, 1), date(2026, 6, 30))
        if closed
        else (
            date(2025, 11, 1),
            date(2026, 10, 31),
        )
    )
    half = (D(amount) / 2).quantize(D("0.01"))
    paid = 2 if closed else 1
    award = build_active_grant(
        call,
        organisation,
        signatory,
        manager,
        number=number,
        title=title,
        amount=amount,
        submitted_dt=(call.closes_dt or _at(start)) - timedelta(days=3),
        form_version=1,
        cofinance=[
            dict(
                contributor_name="Fiscalía General del Estado (aulas y personal)",
                contributor_type="state_institution",
                nature="in_kind",
                counts_as="cost_share",
                valuation_basis="Salarios del personal asignado y renta de aulas",
                amount=D("40000.00"),
            )
        ],
        milestones=[
            dict(
                deliverable=text,
                verification="Informe y listas de asistencia",
                due_date=due,
                amount=value,
                status=MilestoneStatus.PAID.value if i < paid else MilestoneStatus.PLANNED.value,
            )
            for i, (text, due, value) in enumerate(
                (
                    ("Plan de trabajo y primeras asesorías", start + timedelta(days=90), half),
                    ("Informe final de resultados", end - timedelta(days=15), D(amount) - half),
                )
            )
        ],
        start_date=start,
        end_date=end,
        advance_limit=None if closed else D("30000.00"),
        justification="Convocatoria 2025.",
    )
    world.created["closeout_grant"] += 1
    for milestone in award.milestones[:paid]:
        build_paid_request(
            award,
            milestone,
            signatory,
            manager,
            officer,
            paid_on=milestone.due_date,
            bank_reference=f"SPEI {award.id}-{milestone.id}",
            clabe=CLABE,
            idempotency_key=f"demo-closeout-{milestone.id}",
        )
    if not closed:  # an advance the grantee did not spend: to be refunded
        ledger.record(
            award.id,
            ledger.Entry(
                paid_on=start + timedelta(days=120),
                amount=D("30000.00"),
                currency=award.currency,
                bank_reference=f"SPEI {award.id}-ANT",
                clabe=CLABE,
                idempotency_key=f"demo-closeout-advance-{award.id}",
            ),
            officer,
            kind=Kind.ADVANCE,
        )
    build_contribution(
        award,
        signatory,
        commitment=award.commitments[0],
        nature="in_kind",
        amount=D("40000.00"),
        contributed_on=end - timedelta(days=30),
        status=ContributionStatus.VERIFIED.value,
        verified_by=officer,
    )
    # Fifty days after the end, or a few days ago for a grant that ended recently: never a
    # certification or a closing dated after the day the demo is loaded.
    submitted = _at(min(end + timedelta(days=50), date.today() - timedelta(days=14)))
    _final_report(
        award, ReportKind.FINAL_PROGRESS, ReportStatus.APPROVED, submitted, signatory, manager
    )
    financial_status = ReportStatus.APPROVED if closed else ReportStatus.SUBMITTED
    _final_report(
        award, ReportKind.FINAL_FINANCIAL, financial_status, submitted, signatory, manager
    )
    closeout = Closeout(
        award_id=award.id,
        cofinance_certification=_certification_es(),
        cofinance_certified_name=signatory.full_name,
        cofinance_certified_by_id=signatory.id,
        cofinance_certified_dt=submitted,
    )
    if closed:
        retention = checklist.retention_until(award)
        closeout.documents_confirmed_by_id = manager.id
        closeout.documents_confirmed_dt = submitted + timedelta(days=10)
        closeout.closed_by_id = manager.id
        closeout.closed_dt = submitted + timedelta(days=12)
        closeout.records_retention_until = retention
        # Seeded in its state (as the builders do), not moved: the seed writes no audit entry.
        db.session.execute(
            update(Award).where(Award.id == award.id).values(status=AwardStatus.CLOSED.value)
        )
        db.session.refresh(award)
        db.session.add(closeout)
        db.session.flush()
        db.session.expire(closeout, ["closed_by", "documents_confirmed_by"])
        closeout.letter_document_id = _letter(closeout, manager).id
        world.created["closeout_letter"] += 1
    else:
        db.session.add(closeout)
    db.session.flush()


def _final_report(award, kind, status, submitted, signatory, manager) -> GrantReport:
    """The award's final report of ``kind`` in ``status`` (created when missing, as the
    schedule would; a scheduled one is brought to that state), seeded like the builders do:
    in its state, not moved through the reports' flow."""
    values = dict(
        status=status.value,
        answers={},
        form_snapshot=[],
        submissions=1,
        submitted_dt=submitted,
        certified_by_id=signatory.id,
        certified_name=signatory.full_name,
    )
    if status == ReportStatus.APPROVED:
        values.update(decided_by_id=manager.id, decided_dt=submitted + timedelta(days=7))
    key = dict(award_id=award.id, kind=kind.value, period_end=award.end_date)
    found = db.session.scalar(select(GrantReport.id).filter_by(**key))
    if found is None:
        report = GrantReport(
            **key, period_start=award.start_date, due_on=checklist.final_due(award), **values
        )
        db.session.add(report)
        db.session.flush()
    else:
        db.session.execute(update(GrantReport).where(GrantReport.id == found).values(**values))
        report = db.session.get(GrantReport, found)
        db.session.refresh(report)
    if kind.is_financial and not report.expenditures:
        for category, value in SPENT.items():
            db.session.add(
                ReportExpenditure(report_id=report.id, category=category, amount=D(value))
            )
        db.session.flush()
    return report


def _letter(closeout, manager):
    """The closeout letter as ``close`` renders it (stored without an audit entry)."""
    from portal.documents.operations import receive_upload, start_upload

    award = closeout.award
    language = letter.language_of(award)
    pdf = letter.render(closeout, language)
    document = start_upload(
        letter.owner_for(award),
        letter.LETTER_SLOT,
        manager,
        filename=f"{award.application.reference}-cierre.pdf",
    )
    outcome = receive_upload(document, letter.LETTER_SLOT, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"demo closeout letter refused: {outcome.message}")
    return document


def _certification_es() -> str:
    """The certification as the Spanish-speaking signatory read it when certifying (the page
    stores the text in the signer's language, as shown)."""
    from flask_babel import force_locale

    with force_locale("es"):
        return str(COFINANCE_CERTIFICATION)
