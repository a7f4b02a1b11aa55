"""The schedule generated from the call's defaults: quarterly and half-yearly calendar periods
clipped to the award's dates, one pair per milestone, the final reports' dates, idempotence,
and the schedule created when an award becomes active."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.states import AWARD
from portal.core.db import db
from portal.reports.schedule import calendar_periods, ensure_schedule, plan, reports_of

D = date


def _rows(award):
    return [(p.kind, p.period_start, p.period_end, p.due_on) for p in plan(award)]


def test_calendar_periods_are_clipped_to_the_award():
    assert calendar_periods(D(2027, 2, 15), D(2027, 8, 10), 3) == [
        (D(2027, 2, 15), D(2027, 3, 31)),
        (D(2027, 4, 1), D(2027, 6, 30)),
        (D(2027, 7, 1), D(2027, 8, 10)),
    ]
    assert calendar_periods(D(2027, 11, 1), D(2028, 7, 31), 6) == [
        (D(2027, 11, 1), D(2027, 12, 31)),
        (D(2028, 1, 1), D(2028, 6, 30)),
        (D(2028, 7, 1), D(2028, 7, 31)),
    ]


def test_quarterly_pairs_and_final_reports(ctx, award):
    rows = _rows(award)
    periodic = [r for r in rows if r[0] == "progress"]
    assert [(r[1], r[2], r[3]) for r in periodic] == [
        (D(2027, 2, 1), D(2027, 3, 31), D(2027, 4, 30)),
        (D(2027, 4, 1), D(2027, 6, 30), D(2027, 7, 30)),
        (D(2027, 7, 1), D(2027, 9, 30), D(2027, 10, 30)),
        (D(2027, 10, 1), D(2027, 12, 31), D(2028, 1, 30)),
    ]  # January 2028 (ending on the end date) is covered by the final reports
    assert [r[1:] for r in rows if r[0] == "financial"] == [r[1:] for r in periodic]
    finals = [r for r in rows if r[0].startswith("final")]
    # 2 CFR 200.344: 120 days after the end date (2028-01-31)
    assert finals == [
        ("final_progress", D(2027, 2, 1), D(2028, 1, 31), D(2028, 5, 30)),
        ("final_financial", D(2027, 2, 1), D(2028, 1, 31), D(2028, 5, 30)),
    ]


def test_half_yearly_and_subrecipient_days(ctx, app, award):
    call = award.application.call
    call.report_frequency, call.final_report_days = "half_yearly", 90
    app.config["REPORT_DUE_DAYS"] = 45
    try:
        rows = _rows(award)
    finally:
        app.config["REPORT_DUE_DAYS"] = 30
    assert [(r[1], r[2], r[3]) for r in rows if r[0] == "progress"] == [
        (D(2027, 2, 1), D(2027, 6, 30), D(2027, 8, 14)),
        (D(2027, 7, 1), D(2027, 12, 31), D(2028, 2, 14)),
    ]
    assert {r[3] for r in rows if r[0].startswith("final")} == {D(2028, 4, 30)}


def test_milestones(ctx, award):
    award.application.call.report_frequency = "milestones"
    rows = _rows(award)
    assert [(r[1], r[2], r[3]) for r in rows if r[0] == "financial"] == [
        (D(2027, 2, 1), D(2027, 3, 1), D(2027, 3, 1)),
        (D(2027, 3, 2), D(2028, 1, 15), D(2028, 1, 15)),
    ]
    assert len(rows) == 6


def test_no_dates_no_schedule(ctx, award):
    award.end_date = None
    assert plan(award) == []


def test_ensure_schedule_is_idempotent_and_audited(ctx, award):
    assert ensure_schedule(award) == 10
    db.session.commit()
    assert ensure_schedule(award) == 0
    assert len(reports_of(award.id)) == 10
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grant_report.scheduled")
    ).all()
    assert len(entries) == 1


def test_activation_creates_the_schedule(ctx, award):
    award.status = "signed_by_grantee"
    db.session.commit()
    assert reports_of(award.id) == []
    AWARD.move(award, "activate", organisation_id=award.organisation_id)
    db.session.commit()
    assert {r.status for r in reports_of(award.id)} == {"due"}
    assert len(reports_of(award.id)) == 10
