"""Reports in the daily reminder digest (due soon once, overdue repeated, never twice, the
grants managers told of overdue ones) and on the home pages (grantee: due, overdue, returned;
grants manager: to review)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.core.db import db
from portal.finance import reminders
from portal.reports.models import ReportReminder
from tests.reports import helpers

# The first quarter's reports (2027-02-01 to 2027-03-31) are due on 2027-04-30.
SOON = date(2027, 4, 20)
LATE = date(2027, 5, 2)


def _mails(outbox, to):
    return [m for m in outbox(to) if m.template == "finance_reminder"]


def test_due_soon_once_and_overdue_repeated(ctx, reports, personas, outbox):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    summary = reminders.send(SOON)
    db.session.commit()
    # Milestone 1 (due 2027-03-01) is overdue too: the digest lists both kinds of item.
    assert summary.due_soon == 2  # the quarter's progress and financial reports
    mail = _mails(outbox, applicant.email)[0]
    assert mail.subject == "Overdue: 1 grant report past its due date"  # milestone 1
    body = mail.body_text
    assert "Progress report for" in body and "Financial report for" in body
    assert "/grant-reports/" in body
    again = reminders.send(SOON)
    db.session.commit()
    assert again.due_soon == 0  # announced once per due date

    late = reminders.send(LATE)
    db.session.commit()
    assert late.overdue >= 2
    assert any("/grant-reports/" in m.body_text for m in _mails(outbox, manager.email))
    assert reminders.send(LATE).overdue == 0  # never twice the same day
    db.session.commit()
    assert reminders.send(date(2027, 5, 5)).overdue == 0  # repeated only after 7 days
    db.session.commit()
    repeat = reminders.send(date(2027, 5, 9))
    assert repeat.overdue >= 2
    db.session.commit()
    rows = db.session.scalars(select(ReportReminder)).all()
    assert {r.kind for r in rows} == {"due_soon", "overdue"}


def test_submitted_reports_are_not_reminded(ctx, first, personas):
    helpers.submitted(first, personas["applicant"])
    summary = reminders.send(SOON, dry_run=True)
    assert summary.due_soon == 1  # only the financial report


def test_home_tasks(ctx, monkeypatch, reports, first, personas, as_user):
    from portal.finance import deadlines

    monkeypatch.setattr(deadlines, "today", lambda: SOON)
    applicant, manager = personas["applicant"], personas["grants_manager"]
    home = as_user(applicant).get("/dashboard").get_data(as_text=True)
    assert "Reports due" in home and f"/grant-reports/{first.id}" in home
    helpers.returned(db.session.get(type(first), first.id), applicant, manager)
    home = as_user(applicant).get("/dashboard").get_data(as_text=True)
    assert "Reports returned for changes" in home
    helpers_report = db.session.get(type(first), first.id)
    from portal.reports import operations

    operations.submit_report(
        helpers_report, applicant, certified=True, typed_name=applicant.full_name
    )
    db.session.commit()
    staff_home = as_user(manager).get("/dashboard").get_data(as_text=True)
    assert "Reports to review" in staff_home and f"/grant-reports/{first.id}" in staff_home
    queue = as_user(manager).get("/grant-reports/queue").get_data(as_text=True)
    assert f"/grant-reports/{first.id}" in queue
    other = as_user(personas["other_applicant"]).get("/dashboard").get_data(as_text=True)
    assert f"/grant-reports/{first.id}" not in other
