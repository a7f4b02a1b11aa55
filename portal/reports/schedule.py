"""The reporting schedule of an award, generated from its call's defaults when the award
becomes active (and by the demo seed), then edited by staff.

- Quarterly / half-yearly: calendar quarters or halves (January–March…, January–June…)
  clipped to the award's start and end dates; each period has a progress and a financial
  report due ``REPORT_DUE_DAYS`` after it ends. The period that ends on the award's end date
  is covered by the final reports (2 CFR 200.328(b)(1): the final report replaces the last
  periodic one), so it has no periodic pair of its own.
- At each milestone: one progress and one financial report per milestone due date, covering
  the time since the previous milestone, due on that date.
- Always: the final progress and final financial reports, covering the whole award, due
  ``call.final_report_days`` after the end date (2 CFR 200.344(b): 120 days; 90 for
  subrecipients).

``ensure_schedule`` is idempotent: an award that already has reports keeps them (staff may
have edited them). ``follow_dates`` moves the schedule when an amendment changes the end date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.core.db import db
from portal.reports.constants import EDITABLE_REPORT, ReportFrequency, ReportKind, ReportStatus
from portal.reports.models import GrantReport

DEFAULT_DUE_DAYS = 30


@dataclass(frozen=True)
class Planned:
    kind: str
    period_start: date
    period_end: date
    due_on: date


def due_days() -> int:
    return int(current_app.config.get("REPORT_DUE_DAYS", DEFAULT_DUE_DAYS))


def calendar_periods(start: date, end: date, months: int) -> list[tuple[date, date]]:
    """Calendar periods of ``months`` months (3: quarters, 6: halves) covering start..end,
    the first and last clipped to them."""
    periods = []
    month = ((start.month - 1) // months) * months + 1
    period_start = date(start.year, month, 1)
    while period_start <= end:
        next_month = period_start.month + months
        next_start = date(period_start.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
        periods.append((max(period_start, start), min(next_start - timedelta(days=1), end)))
        period_start = next_start
    return periods


def _pair(period_start: date, period_end: date, due_on: date) -> list[Planned]:
    return [
        Planned(ReportKind.PROGRESS.value, period_start, period_end, due_on),
        Planned(ReportKind.FINANCIAL.value, period_start, period_end, due_on),
    ]


def plan(award, *, days: int | None = None) -> list[Planned]:
    """The reports the call's defaults give ``award`` (nothing without start and end dates)."""
    start, end = award.start_date, award.end_date
    if start is None or end is None:
        return []
    days = due_days() if days is None else days
    call = award.application.call
    planned: list[Planned] = []
    if call.report_frequency == ReportFrequency.MILESTONES.value:
        previous = start
        for due in sorted({m.due_date for m in award.milestones if m.due_date}):
            period_end = min(max(due, start), end)
            if period_end >= end or period_end < previous:
                continue
            planned += _pair(previous, period_end, period_end)
            previous = period_end + timedelta(days=1)
    else:
        months = 6 if call.report_frequency == ReportFrequency.HALF_YEARLY.value else 3
        for period_start, period_end in calendar_periods(start, end, months):
            if period_end < end:
                planned += _pair(period_start, period_end, period_end + timedelta(days=days))
    final_due = end + timedelta(days=call.final_report_days)
    planned += [
        Planned(ReportKind.FINAL_PROGRESS.value, start, end, final_due),
        Planned(ReportKind.FINAL_FINANCIAL.value, start, end, final_due),
    ]
    return planned


def ensure_schedule(award, *, audit: bool = True) -> int:
    """Create the award's schedule unless it has one; how many reports were created.
    ``audit=False`` for the demo seed (system set-up writes no audit entries)."""
    existing = db.session.scalar(
        select(func.count(GrantReport.id)).where(GrantReport.award_id == award.id)
    )
    if existing:
        return 0
    rows = [
        GrantReport(
            award_id=award.id,
            kind=p.kind,
            period_start=p.period_start,
            period_end=p.period_end,
            due_on=p.due_on,
            status=ReportStatus.DUE.value,
            answers={},
        )
        for p in plan(award)
    ]
    db.session.add_all(rows)
    db.session.flush()
    if audit and rows:
        from portal.audit.operations import record

        record(
            "grant_report.scheduled",
            award,
            changes={"reports": len(rows)},
            organisation_id=award.organisation_id,
        )
    return len(rows)


def reports_of(award_id: int) -> list[GrantReport]:
    """The award's schedule in the order it is shown: by due date, then kind."""
    order = {k.value: i for i, k in enumerate(ReportKind)}
    rows = db.session.scalars(
        select(GrantReport)
        .where(GrantReport.award_id == award_id)
        .order_by(GrantReport.due_on, GrantReport.period_end, GrantReport.id)
    ).all()
    return sorted(rows, key=lambda r: (r.due_on, r.period_end, order.get(r.kind, 9)))


def follow_dates(award, user=None) -> dict:
    """Move the schedule with the award's dates after an amendment (an extension) took effect.

    The final reports not submitted yet cover the new term and fall due ``final_report_days``
    after the new end date; periodic reports the new term adds (the call's periods before the
    new end date) are created; periodic reports left beyond a shortened term are removed when
    the grantee never started them. Submitted and approved reports are history: never touched.
    Returns what changed (audited as ``grant_report.schedule_followed``).
    """
    if award.start_date is None or award.end_date is None:
        return {}
    planned = plan(award)
    current = reports_of(award.id)
    by_key = {(r.kind, r.period_end): r for r in current}
    moved = added = removed = 0
    for report in current:
        if not ReportKind(report.kind).is_final or report.status not in EDITABLE_REPORT:
            continue
        final = next(p for p in planned if p.kind == report.kind)
        if (report.period_end, report.due_on) != (final.period_end, final.due_on):
            report.period_start, report.period_end = final.period_start, final.period_end
            report.due_on = final.due_on
            moved += 1
    for p in planned:
        if ReportKind(p.kind).is_final or (p.kind, p.period_end) in by_key:
            continue
        db.session.add(
            GrantReport(
                award_id=award.id,
                kind=p.kind,
                period_start=p.period_start,
                period_end=p.period_end,
                due_on=p.due_on,
                status=ReportStatus.DUE.value,
                answers={},
            )
        )
        added += 1
    for report in current:
        beyond = report.period_end >= award.end_date and not ReportKind(report.kind).is_final
        if beyond and report.status == ReportStatus.DUE.value and not report.answers:
            db.session.delete(report)
            removed += 1
    changes = {k: v for k, v in {"moved": moved, "added": added, "removed": removed}.items() if v}
    db.session.flush()
    if changes:
        from portal.audit.operations import record

        record(
            "grant_report.schedule_followed",
            award,
            changes={**changes, "end_date": award.end_date},
            organisation_id=award.organisation_id,
            user=user,
        )
    return changes
