"""The scheduled reminder task: the scheduler's job sends each reminder once a day, however
many runs reach it (two periods, a second scheduler, the CLI on the same day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.finance import deadlines
from portal.scheduler import runner
from portal.scheduler.tasks import by_name
from tests.scheduler.helpers import use_tasks

LATE = date(2027, 3, 2)  # the award fixture's milestone 1 is one day late
EIGHT_AM = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)  # 08:00 in Mexico City


def reminder_mails(outbox):
    return [m for m in outbox() if m.template == "finance_reminder"]


def test_scheduled_reminders_go_out_once_a_day(app, award, personas, outbox, monkeypatch):
    use_tasks(monkeypatch, app, {by_name("reminders.send"): "daily 07:00"})
    monkeypatch.setattr(deadlines, "today", lambda: LATE)
    with app.app_context():
        [sent] = runner.tick(EIGHT_AM)
        [again] = runner.tick(EIGHT_AM + timedelta(hours=1))
    assert sent.action == "ran" and "sent 1 reminder(s) (0 due soon, 1 overdue)" in sent.detail
    assert again.action == "taken"
    assert "@" not in sent.detail  # the run's summary (shown to administrators) names nobody
    mails = reminder_mails(outbox)
    assert {m.recipient for m in mails} == {
        personas["applicant"].email,
        personas["grants_manager"].email,
    }

    # Another schedule on the same day (someone changed it to every hour) or the job run by
    # hand: the reminder log refuses a second reminder for the same milestone and day.
    use_tasks(monkeypatch, app, {by_name("reminders.send"): "every 1 hour"})
    with app.app_context():
        [hourly] = runner.tick(EIGHT_AM + timedelta(hours=2))
    assert hourly.action == "ran" and "sent 0 reminder(s)" in hourly.detail
    assert len(reminder_mails(outbox)) == 2
