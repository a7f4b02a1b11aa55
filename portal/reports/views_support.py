"""What the report pages share: the schedule as the grant page lists it (status, due date in
the call's zone, countdown and the next action for the person looking), and a report's title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.core.i18n import format_day
from portal.finance import deadlines
from portal.reports import permissions
from portal.reports.constants import ReportStatus
from portal.reports.schedule import reports_of


def due_instant(report) -> datetime:
    """The end of the due date in the call's zone (a deadline is a calendar day)."""
    zone = ZoneInfo(report.award.application.call.timezone)
    return datetime.combine(report.due_on, time(23, 59, 59), tzinfo=zone).astimezone(
        ZoneInfo("UTC")
    )


def title(report) -> str:
    return _(
        "%(kind)s, %(start)s – %(end)s",
        kind=report.kind_enum.label,
        start=format_day(report.period_start),
        end=format_day(report.period_end),
    )


def countdown(report, today: date) -> tuple[str, bool]:
    """("in 12 days" / "3 days late" / "due today", overdue?) for an open report; ("", False)
    once submitted."""
    if report.status not in (
        ReportStatus.DUE.value,
        ReportStatus.DRAFT.value,
        ReportStatus.RETURNED.value,
    ):
        return "", False
    days = (report.due_on - today).days
    if days > 0:
        return ngettext("in %(num)s day", "in %(num)s days", days), False
    if days == 0:
        return _("due today"), False
    return ngettext("%(num)s day late", "%(num)s days late", -days), True


def next_action(report, user) -> str:
    status = report.status
    if permissions.can_draft(report, user):
        return {
            "due": _("Start the report"),
            "draft": _("Continue the report"),
            "returned": _("Correct and submit again"),
        }[status]
    if status == ReportStatus.SUBMITTED.value and permissions.can_manage(report, user):
        return _("Review")
    if status == ReportStatus.SUBMITTED.value:
        return _("Waiting for review")
    return _("Open")


@dataclass
class Row:
    report: object
    title: str
    due: datetime
    zone: str
    countdown: str
    overdue: bool
    action: str
    url: str


def grant_section(award, user) -> dict:
    """The grant page's "Reports" section (``templates/reports/_grant_reports.html``)."""
    if not permissions.can_view(award, user):
        return {"rows": [], "can_manage": False}
    today = deadlines.today()
    zone = award.application.call.timezone
    rows = []
    for report in reports_of(award.id):
        text, overdue = countdown(report, today)
        rows.append(
            Row(
                report=report,
                title=title(report),
                due=due_instant(report),
                zone=zone,
                countdown=text,
                overdue=overdue,
                action=next_action(report, user),
                url=url_for("reports.report", report_id=report.id),
            )
        )
    return {
        "rows": rows,
        "can_manage": permissions.can_manage(award, user),
        "schedule_url": url_for("reports.schedule", award_id=award.id),
    }
