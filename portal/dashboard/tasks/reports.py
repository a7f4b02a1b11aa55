"""Grantee reports on the home page (issue 16): the grantee's reports due soon, overdue or
returned; the grants manager's reports waiting for review. Scoped like their pages: the
grantee's own organisations, the manager's own programmes."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.constants import AwardStatus
from portal.awards.models import Award
from portal.calls.models import Call
from portal.core.i18n import format_day
from portal.dashboard.tasks.base import Task, TaskGroup, first_rows
from portal.finance import deadlines
from portal.reports.constants import ReportKind, ReportStatus
from portal.reports.models import GrantReport


def _columns():
    r = GrantReport
    return (r.id, r.kind, r.period_start, r.period_end, r.due_on, Application.reference)


def _detail(row) -> str:
    return _(
        "%(kind)s, %(start)s – %(end)s",
        kind=ReportKind(row.kind).label,
        start=format_day(row.period_start),
        end=format_day(row.period_end),
    )


def due(orgs: list[int]) -> TaskGroup:
    """Reports not started or in draft, due within the reminder window or overdue."""
    group = TaskGroup("reports_due", _("Reports due"))
    if not orgs:
        return group
    today = deadlines.today()
    rows, group.total = first_rows(
        select(*_columns())
        .join(Award, Award.id == GrantReport.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Award.organisation_id.in_(orgs),
            Award.status == AwardStatus.ACTIVE.value,
            GrantReport.status.in_((ReportStatus.DUE.value, ReportStatus.DRAFT.value)),
            GrantReport.due_on <= today + timedelta(days=deadlines.DUE_SOON_DAYS),
        )
        .order_by(GrantReport.due_on, GrantReport.id)
    )
    group.more_url = url_for("finance.mine")
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=_detail(r),
            url=url_for("reports.report", report_id=r.id),
            action=_("Prepare the report"),
            due=r.due_on,
            overdue=r.due_on < today,
        )
        for r in rows
    ]
    return group


def returned(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("reports_returned", _("Reports returned for changes"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        select(*_columns())
        .join(Award, Award.id == GrantReport.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Award.organisation_id.in_(orgs),
            Award.status == AwardStatus.ACTIVE.value,
            GrantReport.status == ReportStatus.RETURNED.value,
        )
        .order_by(GrantReport.decided_dt, GrantReport.id)
    )
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=_detail(r),
            url=url_for("reports.report", report_id=r.id),
            action=_("Correct and submit again"),
            due=r.due_on,
        )
        for r in rows
    ]
    return group


def to_review(mine) -> TaskGroup:
    """Submitted reports of the programmes the manager manages (``mine``: condition on Call)."""
    group = TaskGroup("reports_review", _("Reports to review"))
    rows, group.total = first_rows(
        select(*_columns(), GrantReport.submitted_dt)
        .join(Award, Award.id == GrantReport.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, GrantReport.status == ReportStatus.SUBMITTED.value)
        .order_by(GrantReport.submitted_dt, GrantReport.id)
    )
    group.more_url = url_for("reports.queue")
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=_detail(r),
            url=url_for("reports.report", report_id=r.id),
            action=_("Review the report"),
        )
        for r in rows
    ]
    return group
