"""Demo reporting schedules (a seed stage after the stages that build active grants).

Every active award gets its schedule from its call's defaults. The four grants of Justicia
Cercana under CONV-2025-01 then show each stage of a report, judged against today's date
(only reports whose period has ended are moved along):

- 0901 (no payment yet): its ended periods' reports are overdue;
- 0902: earlier reports approved, the latest pair submitted and waiting for review;
- 0903: earlier reports approved, the latest progress report returned with comments;
- 0904: earlier reports approved, the latest pair due soon (the programme granted an
  extension), the progress report in draft;
- every other active grant: the reports of its ended periods approved.

Idempotent: an award that already has a schedule is left alone. Like the rest of the seed: no
audit entries, no e-mail, no commit.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.constants import AwardStatus
from portal.awards.models import Award
from portal.core.db import db, now_utc
from portal.finance import deadlines
from portal.finance.demo import CALL, MANAGER, SIGNATORY
from portal.organisations.models import Membership
from portal.reports.constants import CERTIFICATION_SOURCE, ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportComment
from portal.reports.questions import current_questions
from portal.reports.schedule import ensure_schedule, plan

DUE_SOON_DAYS = 10
STAGES = {901: "overdue", 902: "submitted", 903: "returned", 904: "due_soon"}
ANSWERS = {
    "activities": "Se realizaron 24 sesiones de asesoría jurídica gratuita en tres colonias, "
    "con apoyo del municipio para los salones.",
    "results": "312 personas recibieron asesoría; 41 casos se canalizaron a mediación.",
    "difficulties": "Dos sesiones se reprogramaron por lluvias; se avisó por WhatsApp.",
    "next_period": "Capacitar a 20 personas servidoras públicas de la fiscalía en mediación.",
    "expenditure": "Honorarios de dos abogadas y materiales de difusión, según el presupuesto.",
    "variances": "Viáticos 12\u00a0% por debajo de lo previsto: se usaron salones cercanos.",
    "lessons": "La difusión con líderes vecinales duplicó la asistencia.",
    "sustainability": "El municipio mantendrá los salones y una abogada de planta.",
}


def seed_reports(world) -> None:
    awards = db.session.scalars(
        select(Award).where(Award.status == AwardStatus.ACTIVE.value).order_by(Award.id)
    ).all()
    for award in awards:
        if db.session.scalar(select(GrantReport.id).where(GrantReport.award_id == award.id)):
            continue
        manager, signatory = _people(award, world)
        stage = STAGES.get(_number(award), "approved")
        created = (
            _staged(award, stage, manager, signatory)
            if manager and signatory
            else ensure_schedule(award, audit=False)
        )
        world.created["grant_report"] += created
    db.session.flush()


def _people(award, world):
    """The grant's programme manager and its organisation's signatory (demo accounts)."""
    managers = award.application.call.programme.managers
    manager = managers[0] if managers else world.users.get(MANAGER)
    signatory = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == award.organisation_id, Membership.is_signatory)
    )
    return manager, signatory or world.users.get(SIGNATORY)


def _number(award) -> int | None:
    reference = db.session.scalar(
        select(Application.reference).where(Application.id == award.application_id)
    )
    prefix = f"{CALL}-"
    if reference and reference.startswith(prefix) and reference[len(prefix) :].isdigit():
        return int(reference[len(prefix) :])
    return None


def _staged(award, stage: str, manager, signatory) -> int:
    """The award's schedule, each report built in the state ``stage`` gives it (seeded in its
    state, like the finance demo's requests)."""
    today = deadlines.today()
    planned = plan(award)
    ended = [p for p in planned if p.period_end < today and not ReportKind(p.kind).is_final]
    last_end = max((p.period_end for p in ended), default=None)
    rows = []
    for p in planned:
        columns = {"status": ReportStatus.DUE.value, "answers": {}}
        if stage != "overdue" and p in ended:
            columns = _columns(award, p, stage, p.period_end == last_end, manager, signatory)
        report = GrantReport(
            award_id=award.id,
            kind=p.kind,
            period_start=p.period_start,
            period_end=p.period_end,
            due_on=p.due_on,
            **columns,
        )
        if stage == "due_soon" and p.period_end == last_end:
            report.due_on = max(today + timedelta(days=DUE_SOON_DAYS), p.period_end)
        rows.append(report)
    db.session.add_all(rows)
    db.session.flush()
    for report in rows:
        if report.status == ReportStatus.RETURNED.value:
            _comment(report, manager, "results", "Desagregue por sexo las 312 personas.")
            _comment(report, manager, None, "Adjunte las listas de asistencia.")
    return len(rows)


def _columns(award, p, stage: str, latest: bool, manager, signatory) -> dict:
    if latest and stage == "due_soon":
        if p.kind != ReportKind.PROGRESS.value:
            return {"status": ReportStatus.DUE.value, "answers": {}}
        return {
            "status": ReportStatus.DRAFT.value,
            "answers": {"activities": ANSWERS["activities"]},
        }
    questions = current_questions(award.call_id, p.kind)
    submitted_dt = min(now_utc(), _instant(p.due_on) - timedelta(days=2))
    columns = {
        "status": ReportStatus.SUBMITTED.value,
        "answers": {q["key"]: ANSWERS.get(q["key"], "Sin novedad.") for q in questions},
        "form_snapshot": questions,
        "certification_text": CERTIFICATION_SOURCE,
        "certified_name": signatory.full_name,
        "certified_by_id": signatory.id,
        "submitted_dt": submitted_dt,
        "submissions": 1,
    }
    if latest and stage == "submitted":
        return columns
    returned = latest and stage == "returned" and p.kind == ReportKind.PROGRESS.value
    status = ReportStatus.RETURNED.value if returned else ReportStatus.APPROVED.value
    return {
        **columns,
        "status": status,
        "decided_by_id": manager.id,
        "decided_dt": min(now_utc(), submitted_dt + timedelta(days=5)),
    }


def _comment(report, manager, key, body: str) -> None:
    db.session.add(
        ReportComment(
            report_id=report.id,
            question_key=key,
            author_id=manager.id,
            body=body,
            round=report.submissions,
            created_dt=report.decided_dt,
        )
    )


def _instant(day):
    return datetime.combine(day, time(17, 0), tzinfo=UTC)
