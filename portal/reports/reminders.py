"""Grantee reports in the daily reminder digest (``flask --app wsgi reminders send``), with the
same rules as milestone reports (``portal.finance.reminders``): a report still open (due,
draft or returned) on an active award is announced once when it comes due within
``REMINDER_DAYS_BEFORE`` days, and reminded every ``REMINDER_OVERDUE_REPEAT_DAYS`` days once
overdue (to the grants managers too). Each reminder is logged in ``report_reminders`` in a
SAVEPOINT before its e-mails are queued, so two runs never send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from portal.applications.models import Application
from portal.awards.constants import AwardStatus
from portal.awards.models import Award
from portal.core.db import db
from portal.core.urls import external_url
from portal.finance import deadlines
from portal.finance.reminder_models import DUE_SOON, OVERDUE
from portal.organisations.models import Organisation
from portal.reports.constants import EDITABLE_REPORT, ReportKind
from portal.reports.models import GrantReport, ReportReminder


def open_report():
    """SQL condition: the report is still the grantee's to submit, on an active award."""
    return and_(GrantReport.status.in_(EDITABLE_REPORT), Award.status == AwardStatus.ACTIVE.value)


def overdue_condition(on: date):
    return and_(open_report(), GrantReport.due_on < on)


def due_soon_condition(on: date, days: int):
    return and_(
        open_report(), GrantReport.due_on >= on, GrantReport.due_on <= on + timedelta(days=days)
    )


@dataclass
class ReportItem:
    kind: str
    report_id: int
    award_id: int
    organisation_id: int
    programme_id: int
    reference: str
    title: str
    organisation: str
    report_kind: ReportKind
    period_start: date
    period_end: date
    due_date: date
    on: date

    @property
    def days_late(self) -> int:
        return deadlines.days_late(self.due_date, self.on)

    @property
    def days_left(self) -> int:
        return max((self.due_date - self.on).days, 0)

    @property
    def url(self) -> str:
        return external_url("reports.report", report_id=self.report_id)

    def claim(self, recipients: int) -> bool:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ReportReminder(
                        report_id=self.report_id,
                        kind=self.kind,
                        sent_on=self.on,
                        due_date=self.due_date,
                        recipients=recipients,
                    )
                )
                db.session.flush()
        except IntegrityError:
            return False
        return True


def pending(on: date, days_before: int, repeat_days: int) -> list[ReportItem]:
    log = ReportReminder
    announced = exists().where(
        log.report_id == GrantReport.id, log.kind == DUE_SOON, log.due_date == GrantReport.due_on
    )
    recently = select(log.report_id).where(
        log.kind == OVERDUE, log.sent_on > on - timedelta(days=repeat_days)
    )
    conditions = (
        (OVERDUE, overdue_condition(on) & GrantReport.id.not_in(recently)),
        (DUE_SOON, due_soon_condition(on, days_before) & ~announced),
    )
    items = []
    for kind, condition in conditions:
        rows = db.session.execute(
            select(
                GrantReport.id,
                GrantReport.award_id,
                GrantReport.kind,
                GrantReport.period_start,
                GrantReport.period_end,
                GrantReport.due_on,
                Award.organisation_id,
                Award.programme_id,
                Application.reference,
                Application.title,
                Organisation.legal_name,
            )
            .join(Award, Award.id == GrantReport.award_id)
            .join(Application, Application.id == Award.application_id)
            .join(Organisation, Organisation.id == Award.organisation_id)
            .where(condition)
            .order_by(GrantReport.due_on, GrantReport.id)
        )
        for row in rows:
            items.append(
                ReportItem(
                    kind=kind,
                    report_id=row.id,
                    award_id=row.award_id,
                    organisation_id=row.organisation_id,
                    programme_id=row.programme_id,
                    reference=row.reference or "",
                    title=row.title or "",
                    organisation=row.legal_name,
                    report_kind=ReportKind(row.kind),
                    period_start=row.period_start,
                    period_end=row.period_end,
                    due_date=row.due_on,
                    on=on,
                )
            )
    return items
