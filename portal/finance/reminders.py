"""E-mail reminders about milestone reports coming due and overdue (run daily by the CLI
``flask --app wsgi reminders send``).

Which milestones: ``portal.finance.deadlines`` decides (an open report on an active award).
- Due soon (due within ``REMINDER_DAYS_BEFORE`` days): announced once, to the grantee
  organisation's owners, editors and signatory (the people who submit the evidence).
- Overdue: to the same people and to the programme's grants managers, again every
  ``REMINDER_OVERDUE_REPEAT_DAYS`` days while the report stays open, never twice a day.

Each recipient gets one digest per run listing their milestones, in their own language. Every
reminder is logged in ``milestone_reminders`` BEFORE its e-mails are queued, in a SAVEPOINT:
a concurrent run that already claimed the same (milestone, kind, day) makes the INSERT fail
on the unique constraint and the milestone is skipped, so nobody is reminded twice. The log
row and the outbox messages commit together (the caller's ``unit_of_work.commit()``; the outbox
is delivered after it).

Domains above finance add their own reminders to the same digest through
:func:`register_source` (issue 16: grantee reports due soon and overdue): a source is
``fn(on, days_before, repeat_days) -> list`` of items shaped like :class:`Item` (kind,
organisation_id, programme_id, due_date, url...) with a ``claim(recipients) -> bool`` method
that logs the reminder in the source's own table.

Not audited: a reminder changes no grant; the log table records each one (day, kind, number
of recipients) and the outbox records every message (``mail.sent`` is audited on delivery).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award, Milestone
from portal.calls.models import programme_managers
from portal.core.db import db
from portal.core.urls import external_url
from portal.finance import deadlines
from portal.finance.reminder_models import DUE_SOON, OVERDUE, MilestoneReminder
from portal.mail.operations import email_user
from portal.organisations.models import MemberRole, Membership, Organisation


@dataclass
class Item:
    """One milestone to remind about."""

    kind: str
    milestone_id: int
    award_id: int
    organisation_id: int
    programme_id: int
    reference: str
    title: str
    organisation: str
    number: int  # 1, 2, ... in the award's schedule
    deliverable: str
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
        return external_url("finance.grant", award_id=self.award_id)


@dataclass
class Summary:
    on: date
    dry_run: bool = False
    due_soon: int = 0  # milestones announced
    overdue: int = 0  # overdue milestones reminded
    skipped: int = 0  # claimed by a concurrent run
    recipients: dict[str, int] = field(default_factory=dict)  # e-mail -> milestones listed

    @property
    def emails(self) -> int:
        return len(self.recipients)

    def lines(self) -> list[str]:
        verb = "would send" if self.dry_run else "sent"
        lines = [
            f"{self.on.isoformat()}: {verb} {self.due_soon + self.overdue} reminder(s) "
            f"({self.due_soon} due soon, {self.overdue} overdue) in {self.emails} e-mail(s)."
        ]
        if self.skipped:
            lines.append(f"{self.skipped} reminder(s) skipped: already sent by another run.")
        lines += [f"  {email}: {n} milestone(s)" for email, n in sorted(self.recipients.items())]
        return lines


_SOURCES: list = []


def register_source(source) -> None:
    """Add reminders of another domain to the daily digest (see the module's docstring)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


# Finding what to send --------------------------------------------------------------------------
def milestone_numbers():
    """Subquery (id, number): each milestone's place, from 1, in its award's schedule, in the
    order the award pages list them (stored positions start at 0 or 1 depending on how the
    schedule was made, so they are not shown as such)."""
    order = (Milestone.position, Milestone.due_date, Milestone.id)
    number = func.row_number().over(partition_by=Milestone.award_id, order_by=order)
    return select(Milestone.id, number.label("number")).subquery("milestone_numbers")


def _select(condition):
    numbers = milestone_numbers()
    return (
        select(
            Milestone.id,
            Milestone.award_id,
            numbers.c.number,
            Milestone.deliverable,
            Milestone.due_date,
            Award.organisation_id,
            Award.programme_id,
            Application.reference,
            Application.title,
            Organisation.legal_name,
        )
        .join(numbers, numbers.c.id == Milestone.id)
        .join(Award, Award.id == Milestone.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(condition)
        .order_by(Milestone.due_date, Milestone.id)
    )


def pending(on: date, days_before: int, repeat_days: int) -> list[Item]:
    """The reminders due on ``on`` (two statements)."""
    log = MilestoneReminder
    # Announced for this due date: a milestone moved by an amendment is announced again.
    announced = exists().where(
        log.milestone_id == Milestone.id, log.kind == DUE_SOON, log.due_date == Milestone.due_date
    )
    recently = select(log.milestone_id).where(
        log.kind == OVERDUE, log.sent_on > on - timedelta(days=repeat_days)
    )
    due_soon = deadlines.due_soon_condition(on, days_before) & ~announced
    overdue = deadlines.overdue_condition(on) & Milestone.id.not_in(recently)
    items = []
    for kind, condition in ((OVERDUE, overdue), (DUE_SOON, due_soon)):
        for row in db.session.execute(_select(condition)):
            items.append(
                Item(
                    kind=kind,
                    milestone_id=row.id,
                    award_id=row.award_id,
                    organisation_id=row.organisation_id,
                    programme_id=row.programme_id,
                    reference=row.reference or "",
                    title=row.title or "",
                    organisation=row.legal_name,
                    number=row.number,
                    deliverable=" ".join((row.deliverable or "").split()),
                    due_date=row.due_date,
                    on=on,
                )
            )
    return items


def grantee_members(organisation_ids) -> dict[int, list[User]]:
    """Active owners, editors and signatories per organisation (one statement)."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Membership.organisation_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id.in_(organisation_ids),
            or_(
                Membership.role.in_((MemberRole.OWNER.value, MemberRole.EDITOR.value)),
                Membership.is_signatory,
            ),
            User.is_active,
        )
        .order_by(User.id)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for organisation_id, user in rows:
        found[organisation_id].append(user)
    return found


def programme_grant_managers(programme_ids) -> dict[int, list[User]]:
    """Active grants managers named on each programme (one statement)."""
    if not programme_ids:
        return {}
    rows = db.session.execute(
        select(programme_managers.c.programme_id, User)
        .join(User, User.id == programme_managers.c.user_id)
        .where(programme_managers.c.programme_id.in_(programme_ids), User.is_active)
        .order_by(User.id)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for programme_id, user in rows:
        found[programme_id].append(user)
    return found


# Sending ----------------------------------------------------------------------------------------
def _claim(item: Item, recipients: int) -> bool:
    """Log the reminder; False when another run logged it first (unique constraint)."""
    if hasattr(item, "claim"):  # another domain's reminder logs itself
        return item.claim(recipients)
    try:
        with db.session.begin_nested():
            db.session.add(
                MilestoneReminder(
                    milestone_id=item.milestone_id,
                    kind=item.kind,
                    sent_on=item.on,
                    due_date=item.due_date,
                    recipients=recipients,
                )
            )
            db.session.flush()
    except IntegrityError:
        return False
    return True


def send(on: date | None = None, *, dry_run: bool = False) -> Summary:
    """Log and queue today's reminders (the caller commits; the outbox is delivered after).
    ``dry_run`` finds and counts them but writes nothing."""
    on = on or deadlines.today()
    config = current_app.config
    days_before = int(config.get("REMINDER_DAYS_BEFORE", 14))
    repeat_days = int(config.get("REMINDER_OVERDUE_REPEAT_DAYS", 7))
    items = pending(on, days_before, repeat_days)
    for source in _SOURCES:
        items += source(on, days_before, repeat_days)
    summary = Summary(on=on, dry_run=dry_run)
    if not items:
        return summary
    members = grantee_members({i.organisation_id for i in items})
    managers = programme_grant_managers({i.programme_id for i in items if i.kind == OVERDUE})

    users: dict[int, User] = {}
    as_grantee: dict[int, list[Item]] = defaultdict(list)
    as_manager: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        grantees = members.get(item.organisation_id, [])
        staff = managers.get(item.programme_id, []) if item.kind == OVERDUE else []
        to = {u.id: u for u in (*grantees, *staff)}
        if not dry_run and not _claim(item, len(to)):
            summary.skipped += 1
            continue
        if item.kind == OVERDUE:
            summary.overdue += 1
        else:
            summary.due_soon += 1
        for user in grantees:
            as_grantee[user.id].append(item)
        for user in staff:
            if item not in as_grantee[user.id]:
                as_manager[user.id].append(item)
        users.update(to)

    for user_id, user in users.items():
        listed = as_grantee.get(user_id, []) + as_manager.get(user_id, [])
        if not listed:
            continue
        summary.recipients[user.email] = len(listed)
        if dry_run:
            continue
        email_user(
            "finance_reminder",
            user,
            overdue=[i for i in listed if i.kind == OVERDUE],
            due_soon=[i for i in listed if i.kind == DUE_SOON],
            for_grantee=bool(as_grantee.get(user_id)),
        )
    return summary


def send_job(on: str | None = None) -> str:
    """Job (the scheduler; the CLI adds ``--dry-run``): send the reminders of ``on`` (ISO
    date; default today in the programme's zone) and commit. A second run of the same day
    sends nothing new: every reminder is claimed in its log table first (see above)."""
    from portal.core.unit_of_work import commit

    summary = send(date.fromisoformat(on) if on else None)
    commit()  # the log rows and the outbox together; the e-mails are delivered after it
    lines = summary.lines()
    return " ".join(lines[: 2 if summary.skipped else 1])  # not the per-address lines
