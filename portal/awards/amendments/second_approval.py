"""Four eyes on large changes: a change that needs a second approval (today an amount increase
to above the second-approval threshold, ``kinds/amount.py``, following the award rule in
``portal.awards.operations.decisions``) is approved by one grants manager of the programme,
then waits in ``pending_second_approval`` for **another** one, who approves (the change takes
effect), asks for changes or rejects it.

The budget is checked at both approvals and again, under the programme and call locks, when the
change takes effect (``kinds.amount.apply``); nothing is reserved while it waits.
"""

from __future__ import annotations

from portal.awards.amendments import kinds, notifications
from portal.awards.amendments.constants import AmendmentStatus
from portal.awards.states import AMENDMENT
from portal.core.db import db, now_utc


def needed(amendment) -> bool:
    """A submitted amendment whose approval must wait for a second grants manager."""
    return amendment.status == AmendmentStatus.SUBMITTED and kinds.needs_second_approval(amendment)


def awaits_first(amendment, decision: str) -> bool:
    return decision == "approve" and needed(amendment)


def approve_first(amendment, user) -> None:
    """The first grants manager's approval: recorded, the others are told; no effect yet."""
    amendment.first_approved_by_id = user.id
    amendment.first_approved_dt = now_utc()
    AMENDMENT.move(
        amendment,
        "approve_first",
        changes={"status": [amendment.status, AmendmentStatus.PENDING_SECOND_APPROVAL.value]},
        organisation_id=amendment.award.organisation_id,
    )
    db.session.flush()
    notifications.notify_submitted(amendment, user)
