"""E-mail reminders about milestone reports: due soon announced once, overdue repeated every 7
days and never twice a day (also when two runs overlap, PostgreSQL), the right recipients in
their own language, dry run, and the CLI."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.awards.models import Award, Milestone
from portal.core.db import db
from portal.finance import reminders
from portal.finance.reminder_models import MilestoneReminder
from portal.mail.models import OutboxMessage
from portal.organisations.models import Membership
from tests.awards import helpers as award_helpers
from tests.finance import helpers
from tests.support.committed import committed_call, remove_committed_call
from tests.support.factories import add_member, make_user

# The award fixture's milestones: 1 due 2027-03-01, 2 due 2028-01-15 (MXN 150,000 each).
BEFORE = date(2027, 2, 20)  # milestone 1 due in 9 days
LATE = date(2027, 3, 2)  # milestone 1 one day late


def log_rows(milestone_id=None):
    query = select(MilestoneReminder).order_by(MilestoneReminder.id)
    if milestone_id:
        query = query.where(MilestoneReminder.milestone_id == milestone_id)
    return db.session.scalars(query).all()


def reminder_mails(outbox, to=None):
    return [m for m in outbox(to) if m.template == "finance_reminder"]


def test_due_soon_is_announced_once(award, personas, outbox):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    editor = make_user(name="Elena Editora")
    viewer = make_user(name="Víctor Visor")
    add_member(personas["org_a"], editor, "editor")
    add_member(personas["org_a"], viewer, "viewer")
    award.milestones[0].position, award.milestones[1].position = 0, 1  # as the demo stores them

    summary = reminders.send(BEFORE)
    db.session.commit()
    assert (summary.due_soon, summary.overdue) == (1, 0)
    assert set(summary.recipients) == {applicant.email, editor.email}
    mail = reminder_mails(outbox, applicant.email)[0]
    assert mail.subject == "Reminder: 1 grant report due soon"
    body = mail.body_text
    assert award.application.reference in body and "Plan de trabajo aprobado" in body
    assert "Milestone 1: Plan de trabajo aprobado" in body
    assert "Due on Mar 1, 2027: in 9 days." in body
    assert f"http://localhost/finance/grants/{award.id}" in body
    assert "Informe final" not in body  # milestone 2 is due in 2028
    assert not reminder_mails(outbox, viewer.email)  # viewers submit nothing
    assert not reminder_mails(outbox, manager.email)  # managers hear only of late reports

    for again in (BEFORE, date(2027, 2, 21), date(2027, 2, 28)):
        assert reminders.send(again).recipients == {}
        db.session.commit()
    assert len(reminder_mails(outbox)) == 2
    [row] = log_rows()
    assert (row.kind, row.sent_on, row.due_date, row.recipients) == (
        "due_soon",
        BEFORE,
        date(2027, 3, 1),
        2,
    )


def test_a_milestone_moved_to_a_new_date_is_announced_again(award, personas, outbox):
    """A no-cost extension moves unpaid milestones: "due soon" is once per due date."""
    from datetime import timedelta

    assert reminders.send(BEFORE).due_soon == 1
    db.session.commit()
    milestone = db.session.get(Milestone, award.milestones[0].id)
    milestone.due_date = milestone.due_date + timedelta(days=90)  # as an extension moves it
    db.session.commit()
    assert reminders.send(BEFORE + timedelta(days=1)).due_soon == 0  # not due soon yet
    db.session.commit()
    assert reminders.send(BEFORE + timedelta(days=90)).due_soon == 1  # announced again
    db.session.commit()
    assert reminders.send(BEFORE + timedelta(days=91)).due_soon == 0  # and only once
    rows = [r for r in log_rows(milestone.id) if r.kind == "due_soon"]
    assert [r.due_date for r in rows] == [date(2027, 3, 1), date(2027, 5, 30)]


def test_overdue_repeats_every_seven_days_never_twice_a_day(award, personas, outbox):
    applicant, manager = personas["applicant"], personas["grants_manager"]
    first = reminders.send(LATE)
    db.session.commit()
    assert (first.due_soon, first.overdue) == (0, 1)
    assert set(first.recipients) == {applicant.email, manager.email}
    to_manager = reminder_mails(outbox, manager.email)[0]
    assert to_manager.subject == "Overdue grant report: 1 milestone past its due date"
    assert "Due on Mar 1, 2027: 1 day late." in to_manager.body_text
    assert "as a grants manager of the programme" in to_manager.body_text
    assert "Org A A.C." in to_manager.body_text
    assert "Please submit" in reminder_mails(outbox, applicant.email)[0].body_text

    for day in (LATE, date(2027, 3, 5), date(2027, 3, 8)):
        assert reminders.send(day).overdue == 0, day
        db.session.commit()
    assert len(reminder_mails(outbox)) == 2

    again = reminders.send(date(2027, 3, 9))  # seven days after the first
    db.session.commit()
    assert again.overdue == 1
    assert "Due on Mar 1, 2027: 8 days late." in reminder_mails(outbox)[-1].body_text
    assert len(reminder_mails(outbox)) == 4
    assert [(r.kind, r.sent_on) for r in log_rows()] == [
        ("overdue", LATE),
        ("overdue", date(2027, 3, 9)),
    ]


def test_the_log_refuses_a_second_reminder(award):
    """The database is the last line against overlapping runs."""
    milestone = award.milestones[0]

    def add(kind, on):
        with db.session.begin_nested():
            db.session.add(
                MilestoneReminder(
                    milestone_id=milestone.id, kind=kind, sent_on=on, due_date=milestone.due_date
                )
            )
            db.session.flush()

    add("overdue", LATE)
    with pytest.raises(IntegrityError):
        add("overdue", LATE)  # same day
    add("due_soon", BEFORE)
    with pytest.raises(IntegrityError):
        add("due_soon", date(2027, 2, 25))  # a due-soon reminder goes out once


def test_submitted_paid_and_inactive_are_never_reminded(app, award, call, personas, outbox):
    first, second = award.milestones
    first.status = "submitted"
    second.status = "paid"
    application = award_helpers.recommended_application(
        call, personas["org_b"], personas["other_applicant"], title="No firmado"
    )
    award_helpers.ready_award(application, personas["grants_manager"])  # approved, not active
    db.session.commit()
    for day in (BEFORE, LATE, date(2028, 1, 10), date(2028, 2, 1)):
        summary = reminders.send(day)
        assert summary.recipients == {} and summary.overdue == summary.due_soon == 0, day
    assert not reminder_mails(outbox) and not log_rows()


def test_each_organisation_hears_only_of_its_grants(award, call, personas, outbox):
    other = personas["other_applicant"]
    award_b = helpers.active_award(
        call, personas["org_b"], other, personas["grants_manager"], title="Mediación Sonora"
    )
    summary = reminders.send(LATE)
    db.session.commit()
    assert summary.overdue == 2
    to_a = reminder_mails(outbox, personas["applicant"].email)
    to_b = reminder_mails(outbox, other.email)
    assert len(to_a) == len(to_b) == 1
    assert award.application.reference in to_a[0].body_text
    assert award_b.application.reference not in to_a[0].body_text
    assert award_b.application.reference in to_b[0].body_text
    assert award.application.reference not in to_b[0].body_text
    # The manager of both grants gets one digest listing both.
    [digest] = reminder_mails(outbox, personas["grants_manager"].email)
    assert "2 milestones past their due date" in digest.subject
    for user in ("reviewer", "finance_officer", "admin"):
        assert not reminder_mails(outbox, personas[user].email)


def test_each_recipient_reads_their_own_language(award, personas, outbox):
    applicant = db.session.get(User, personas["applicant"].id)  # the fixture's copy is detached
    applicant.locale = "es"
    db.session.commit()
    reminders.send(LATE)
    db.session.commit()
    spanish = reminder_mails(outbox, applicant.email)[0]
    english = reminder_mails(outbox, personas["grants_manager"].email)[0]
    assert (spanish.locale, english.locale) == ("es", "en")
    singular = "Overdue grant report: %(num)s milestone past its due date"
    plural = "Overdue grant reports: %(num)s milestones past their due date"
    assert english.subject == singular % {"num": 1}
    with force_locale("es_MX"):
        assert spanish.subject == ngettext(singular, plural, 1)
        assert spanish.subject != english.subject
        assert _("Dear %(name)s,", name=applicant.full_name) in spanish.body_text
    assert "1 mar 2027" in spanish.body_text  # the date in Spanish


def test_dry_run_sends_and_logs_nothing(award, personas, outbox):
    summary = reminders.send(LATE, dry_run=True)
    db.session.rollback()
    assert summary.overdue == 1
    expected = {personas["applicant"].email, personas["grants_manager"].email}
    assert set(summary.recipients) == expected
    assert "would send 1 reminder(s)" in summary.lines()[0]
    assert not reminder_mails(outbox) and not log_rows()
    assert reminders.send(LATE).overdue == 1  # the real run still sends


def test_cli(app, award, personas, outbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send", "--today", "2027-03-02", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2027-03-02: would send 1 reminder(s) (0 due soon, 1 overdue) in 2 e-mail(s)." in (
        result.output
    )
    assert not reminder_mails(outbox)

    result = runner.invoke(args=["reminders", "send", "--today", "2027-03-02"])
    assert result.exit_code == 0, result.output
    assert "sent 1 reminder(s)" in result.output
    assert f"  {personas['applicant'].email}: 1 milestone(s)" in result.output
    mails = reminder_mails(outbox)
    assert len(mails) == 2 and {m.status for m in mails} == {"logged"}  # delivered after commit

    result = runner.invoke(args=["reminders", "send", "--today", "2027-03-02"])
    assert "sent 0 reminder(s)" in result.output
    assert len(reminder_mails(outbox)) == 2

    result = runner.invoke(args=["reminders", "send", "--today", "2 March"])
    assert result.exit_code == 2 and "Invalid value" in result.output


# Two runs at once (PostgreSQL) ----------------------------------------------------------------
@pytest.fixture
def committed_world(app, engine, postgres_only):
    world = committed_call(
        engine, code="REMI-2026-01", budget="3000.00", envelope="5000.00", applications=1
    )
    with Session(engine) as s:
        award = Award(
            application_id=world["applications"][0],
            call_id=world["call"],
            programme_id=world["programme"],
            organisation_id=world["org"],
            status="active",
            instrument="fixed_amount",
            amount=helpers.D("1000.00"),
            currency="MXN",
            justification="x",
            proposed_by_id=world["user"],
        )
        s.add(award)
        s.flush()
        milestone = Milestone(
            award_id=award.id,
            position=1,
            deliverable="Informe",
            verification="Informe",
            due_date=date(2027, 3, 1),
            amount=helpers.D("1000.00"),
            currency="MXN",
        )
        owner = Membership(organisation_id=world["org"], user_id=world["user"], role="owner")
        s.add_all([milestone, owner])
        s.commit()
        world["milestone"] = milestone.id
    yield world
    remove_committed_call(
        engine,
        world,
        delete(MilestoneReminder).where(MilestoneReminder.milestone_id == world["milestone"]),
        delete(OutboxMessage).where(OutboxMessage.recipient_user_id == world["user"]),
        delete(Milestone).where(Milestone.id == world["milestone"]),
        delete(Membership).where(Membership.organisation_id == world["org"]),
    )


def test_overlapping_runs_remind_once(app, engine, committed_world):
    """Run B starts while run A holds its uncommitted log rows: B waits on the unique
    constraint, then skips the milestone; only A's e-mails exist."""
    results = {}

    def run_b():
        with app.app_context():
            results["b"] = reminders.send(LATE)
            db.session.commit()

    with app.app_context():
        first = reminders.send(LATE)  # flushed, not committed
        other = threading.Thread(target=run_b)
        other.start()
        time.sleep(0.5)
        assert other.is_alive()  # waiting for A's row
        db.session.commit()
        other.join(timeout=30)
        assert not other.is_alive()
        assert first.overdue == 1 and len(first.recipients) == 1
        assert results["b"].overdue == 0 and results["b"].skipped == 1
        assert results["b"].recipients == {}
        with Session(engine) as s:
            to_user = OutboxMessage.recipient_user_id == committed_world["user"]
            sent = s.scalars(select(OutboxMessage).where(to_user)).all()
            logged = s.scalars(
                select(MilestoneReminder).where(
                    MilestoneReminder.milestone_id == committed_world["milestone"]
                )
            ).all()
        assert len(sent) == 1 and len(logged) == 1
