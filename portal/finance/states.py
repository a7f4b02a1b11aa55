"""The finance domain's state machines (portal/core/state_machine.py).

A payment request is prepared by the grantee, certified and submitted by the organisation's
signatory, its deliverable verified by the grants manager, its payment approved by a finance
officer, and paid once disbursements (and advances liquidated on its milestone) reach the
approved amount; a reversal that uncovers it moves it back. Its milestone moves along through
``portal.awards.milestone_moves.move_milestone``.

A co-finance contribution is reported by the grantee and verified or rejected by finance.
"""

from __future__ import annotations

from portal.core.state_machine import StateMachine

PAYMENT_REQUEST = StateMachine(
    "payment_request",
    states=(
        "draft",
        "submitted",
        "changes_requested",
        "rejected",
        "deliverable_approved",
        "payment_approved",
        "paid",
    ),
    rows=[
        (
            ("draft", "changes_requested"),
            "submit",
            "submitted",
            "the organisation's signatory, certifying it",
            "payment_request.submitted",
        ),
        (
            "submitted",
            "approve_deliverable",
            "deliverable_approved",
            "grants manager",
            "payment_request.deliverable_approved",
        ),
        (
            "submitted",
            "request_changes",
            "changes_requested",
            "grants manager",
            "payment_request.changes_requested",
        ),
        ("submitted", "reject", "rejected", "grants manager", "payment_request.rejected"),
        (
            "deliverable_approved",
            "approve_payment",
            "payment_approved",
            "finance officer",
            "payment_request.payment_approved",
        ),
        (
            "payment_approved",
            "settle",
            "paid",
            "finance (disbursements reach the approved amount)",
            "payment_request.paid",
        ),
        ("paid", "unsettle", "payment_approved", "finance (a reversal uncovers it)"),
    ],
)

CONTRIBUTION = StateMachine(
    "cofinance_contribution",
    states=("reported", "verified", "rejected"),
    rows=[
        ("reported", "verify", "verified", "finance officer", "cofinance.verified"),
        (
            "reported",
            "reject",
            "rejected",
            "finance officer, with the reason",
            "cofinance.rejected",
        ),
    ],
)
