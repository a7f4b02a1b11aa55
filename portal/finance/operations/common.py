"""What the finance operations share: the request's organisation, refusing a move the request's
state does not allow before validating the rest, and moving its milestone along."""

from __future__ import annotations

from portal.awards.milestone_moves import move_milestone
from portal.awards.states import MILESTONE
from portal.core.errors import InputError
from portal.finance.states import PAYMENT_REQUEST


def org(award) -> int:
    return award.organisation_id


def refuse_unless(request, action: str, message) -> None:
    """Refuse at once (``message`` on the whole form) when the request's state does not allow
    ``action``, so the state is the first thing said; the move itself comes last."""
    if not PAYMENT_REQUEST.can(request, action):
        raise InputError({"": [message]})


def milestone_follows(milestone, action: str) -> None:
    """Move the request's milestone along (submit, approve, return, pay, unpay). Several
    requests may share a milestone: one that another request has already moved on (or left
    behind) stays where it is."""
    if MILESTONE.can(milestone, action):
        move_milestone(milestone, action)
