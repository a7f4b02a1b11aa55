"""The review domain's state machines (portal/core/state_machine.py).

A reviewer's assignment starts pending and is settled by their conflict-of-interest
declaration: no conflict (accepted: they review) or a conflict (recused: kept on record so the
reviewer is never assigned that application again). Its state is derived from
``Assignment.conflict`` (``Assignment.state``), which the move sets.

A review is a draft until the reviewer submits it; a grants manager may reopen a submitted
review (with a logged reason), which makes it a draft again.
"""

from __future__ import annotations

from portal.core.state_machine import StateMachine

ASSIGNMENT = StateMachine(
    "review_assignment",
    states=("pending", "accepted", "recused"),
    attribute="state",
    rows=[
        (
            "pending",
            "declare_no_conflict",
            "accepted",
            "the assigned reviewer",
            "review.no_conflict_declared",
        ),
        (
            "pending",
            "declare_conflict",
            "recused",
            "the assigned reviewer, describing the conflict",
            "review.conflict_declared",
        ),
    ],
)

REVIEW = StateMachine(
    "review",
    states=("draft", "submitted"),
    rows=[
        (
            "draft",
            "submit",
            "submitted",
            "the reviewer, every criterion scored",
            "review.submitted",
        ),
        (
            "submitted",
            "reopen",
            "draft",
            "grants manager, with a reason",
            "review.reopened",
        ),
    ],
)
