"""An extension that takes effect moves the reporting schedule: the final reports not submitted
yet follow the new end date, the periods the new term adds get their reports, submitted reports
stay as they were, and the move is audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.amendments import operations as amendments
from portal.core import unit_of_work
from portal.core.db import db
from portal.reports.schedule import follow_dates, reports_of
from tests.awards.amendment_helpers import sign_both

NEW_END = date(2028, 7, 31)  # the fixture's award runs 2027-02-01 → 2028-01-31


def _extend(award, personas, new_end=NEW_END):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    amendment = amendments.create_draft(
        award, applicant, kinds=["no_cost_extension"], new_end_date=new_end, justification="x"
    )
    amendments.submit(amendment, applicant)
    amendments.decide(amendment, manager, decision="approve")
    sign_both(amendment, applicant, manager)
    assert amendment.status == "in_effect" and award.end_date == new_end


def _by(reports, kind):
    return [(r.period_start, r.period_end, r.due_on, r.status) for r in reports if r.kind == kind]


def test_an_extension_moves_the_finals_and_adds_the_new_quarters(award, reports, personas):
    before = _by(reports, "progress")
    _extend(award, personas)
    after = reports_of(award.id)
    # The quarters before the old end date are kept; Jan–Mar and Apr–Jun 2028 are added; July
    # 2028 (ending on the new end date) is covered by the final reports.
    assert _by(after, "progress") == [
        *before,
        (date(2028, 1, 1), date(2028, 3, 31), date(2028, 4, 30), "due"),
        (date(2028, 4, 1), date(2028, 6, 30), date(2028, 7, 30), "due"),
    ]
    assert len(_by(after, "financial")) == len(_by(after, "progress"))
    # 120 days after the new end date (2 CFR 200.344)
    assert _by(after, "final_progress") == [(date(2027, 2, 1), NEW_END, date(2028, 11, 28), "due")]
    unit_of_work.commit()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "grant_report.schedule_followed")
    )
    assert entry.changes["moved"] == 2 and entry.changes["added"] == 4


def test_submitted_reports_are_history(award, reports, personas):
    final = next(r for r in reports if r.kind == "final_financial")
    final.status, final.submitted_dt = "submitted", final.created_dt
    final.certified_by_id, final.certified_name = personas["applicant"].id, "x"
    final.form_snapshot, final.submissions = [], 1
    db.session.flush()
    old = (final.period_end, final.due_on)
    _extend(award, personas)
    assert (final.period_end, final.due_on) == old
    moved = next(r for r in reports_of(award.id) if r.kind == "final_progress")
    assert moved.period_end == NEW_END


def test_a_shorter_term_drops_only_reports_nobody_started(award, reports):
    last, previous = [r for r in reports if r.kind == "progress"][-1:] + [
        r for r in reports if r.kind == "financial"
    ][-1:]
    last.answers, last.status = {"a": "started"}, "draft"
    db.session.flush()
    award.end_date = date(2027, 11, 30)  # (an amendment cannot shorten a grant today)
    changes = follow_dates(award)
    kept = reports_of(award.id)
    assert last in kept and previous not in kept  # both ended after the new end date
    assert changes["removed"] == 1 and changes["moved"] == 2
