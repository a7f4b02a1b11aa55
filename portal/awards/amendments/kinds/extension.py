"""No-cost extension: a new end date; every milestone not yet paid moves by as many days.

Paid milestones never change. Reminders, the finance dashboard and the API read
``Award.end_date`` and ``Milestone.due_date``, so they follow. The grant may run at most
``MAX_TERM_YEARS`` from its start.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional

from portal.awards.amendments.constants import MAX_TERM_YEARS, ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.awards.constants import MilestoneStatus
from portal.core.fields import DateField
from portal.core.i18n import format_day

KEY = ChangeKind.NO_COST_EXTENSION.value
TEMPLATE = "awards/amendments/kinds/extension.html"


class Fields:
    new_end_date = DateField(
        _l("New end date"),
        validators=[Optional()],
        description=_l(
            "For a no-cost extension. The milestones not yet paid move by the same number of days."
        ),
    )


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validate(award, data: dict, errors: dict) -> dict:
    new_end = data.get("new_end_date")
    latest = years_after(award.start_date, MAX_TERM_YEARS) if award.start_date else None
    if new_end is None:
        errors["new_end_date"] = [_("Enter the new end date of the grant.")]
    elif award.end_date is None or new_end <= award.end_date:
        errors["new_end_date"] = [
            _(
                "The new end date must be after the current end date (%(date)s).",
                date=format_day(award.end_date) if award.end_date else "—",
            )
        ]
    elif latest and new_end > latest:
        errors["new_end_date"] = [
            _(
                "The grant can run at most three years: the new end date may be "
                "%(date)s at the latest.",
                date=format_day(latest),
            )
        ]
    else:
        return {"end_date": [award.end_date.isoformat(), new_end.isoformat()]}
    return {}


def requested(changes: dict) -> dict:
    pair = changes.get("end_date")
    return {"new_end_date": date.fromisoformat(pair[1])} if pair else {}


def apply(amendment, award, user) -> dict:
    new_end = requested(amendment.changes or {}).get("new_end_date")
    if new_end is None:
        return {}
    old_end = award.end_date
    shift = timedelta(days=(new_end - old_end).days)
    moved = []
    for milestone in award.milestones:
        if milestone.status == MilestoneStatus.PAID:
            continue
        before = milestone.due_date
        milestone.due_date = before + shift
        moved.append([milestone.id, before, milestone.due_date])
    award.end_date = new_end
    return {"end_date": [old_end, new_end], "shifted_milestones": moved}


def describe(amendment) -> list:
    pair = (amendment.changes or {}).get("end_date")
    if not pair:
        return []
    old, new = (date.fromisoformat(v) if v else None for v in pair)
    return [Change(str(_("End date")), format_day(old, "long"), format_day(new, "long"))]
