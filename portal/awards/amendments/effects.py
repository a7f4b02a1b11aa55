"""What an amendment changes on its award, applied when it takes effect.

In this first slice an amendment takes effect when a grants manager approves it
(``operations.decide``). The next slice makes both parties sign an amendment document first;
``apply_changes`` then moves to the countersignature, unchanged.

- **No-cost extension** (``changes["end_date"]``): the award's end date moves to the new date
  and every milestone not yet paid moves by the same number of days; paid milestones never
  change. Reminders and the finance dashboard read ``Milestone.due_date`` and
  ``Award.end_date``, so they follow.
- **Scope change** (``changes["scope"]``): a narrative; the amendment itself is the record.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.audit.operations import record
from portal.awards.constants import MilestoneStatus
from portal.core.db import db, now_utc


def apply_changes(amendment, user) -> dict:
    """Apply ``amendment``'s changes to its award; returns (and audits) what changed."""
    award = amendment.award
    changed: dict = {"amendment": amendment.number}
    pair = (amendment.changes or {}).get("end_date")
    if pair:
        old_end, new_end = award.end_date, date.fromisoformat(pair[1])
        shift = timedelta(days=(new_end - old_end).days)
        moved = []
        for milestone in award.milestones:
            if milestone.status == MilestoneStatus.PAID:
                continue
            before = milestone.due_date
            milestone.due_date = before + shift
            moved.append([milestone.id, before, milestone.due_date])
        award.end_date = new_end
        changed |= {"end_date": [old_end, new_end], "shifted_milestones": moved}
    if (amendment.changes or {}).get("scope"):
        changed["scope"] = amendment.scope
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.amended",
        award,
        changes=changed,
        organisation_id=award.organisation_id,
        user=user,
    )
    return changed
