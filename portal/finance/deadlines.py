"""When a grant's milestone report is due soon or overdue: one definition for the dashboard,
the API and the e-mail reminders.

A milestone's report is *open* while the milestone is ``planned`` (no evidence submitted yet)
on an active award. It is *overdue* once its due date has passed and *due soon* when it falls
within the next ``days`` days. Dates are compared with today's date in the programme's zone
(``BABEL_DEFAULT_TIMEZONE``, America/Mexico_City): a deadline is a calendar day.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, and_, select

from portal.awards.constants import AwardStatus, MilestoneStatus
from portal.awards.models import Award, Milestone
from portal.core.db import now_utc

DUE_SOON_DAYS = 30


def today() -> date:
    """Today's calendar date where the programme works."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "America/Mexico_City")
    return now_utc().astimezone(ZoneInfo(zone)).date()


def open_report():
    """SQL condition: the milestone's report has not been submitted on an active award."""
    return and_(
        Milestone.status == MilestoneStatus.PLANNED.value,
        Award.status == AwardStatus.ACTIVE.value,
    )


def overdue_condition(on: date):
    return and_(open_report(), Milestone.due_date < on)


def due_soon_condition(on: date, days: int = DUE_SOON_DAYS):
    return and_(
        open_report(), Milestone.due_date >= on, Milestone.due_date <= on + timedelta(days=days)
    )


def milestones(condition) -> Select:
    """Milestones joined to their award, filtered by one of the conditions above."""
    return (
        select(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .where(condition)
        .order_by(Milestone.due_date, Milestone.id)
    )


def days_late(due: date, on: date) -> int:
    return max((on - due).days, 0)
