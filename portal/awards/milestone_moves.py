"""What other domains ask of a milestone: finance moves it along with its payment request."""

from __future__ import annotations

from portal.awards.states import MILESTONE


def move_milestone(milestone, action: str) -> None:
    """``action``: submit, approve, return, pay or unpay (see ``MILESTONE``). The payment
    request's own audit entry records the step; the milestone's move writes none."""
    MILESTONE.move(milestone, action)
