"""The awards domain's state machines (portal/core/state_machine.py)."""

from __future__ import annotations

from portal.core.state_machine import StateMachine

# A milestone moves with its payment request (finance asks through
# portal.awards.milestone_moves.move_milestone): evidence submitted, approved or returned,
# paid, and back to approved when a reversal uncovers it.
MILESTONE = StateMachine(
    "milestone",
    states=("planned", "submitted", "approved", "paid"),
    rows=[
        ("planned", "submit", "submitted", "the grantee, with a payment request"),
        ("submitted", "approve", "approved", "grants manager (deliverable approved)"),
        ("submitted", "return", "planned", "grants manager (changes requested or rejected)"),
        ("approved", "pay", "paid", "finance (payment covers the approved amount)"),
        ("paid", "unpay", "approved", "finance (a reversal uncovers it)"),
    ],
)
