"""The applications domain's state machine (portal/core/state_machine.py).

The applicant submits, answers requests for information and withdraws; the reviews and awards
domains ask for the other moves through ``portal.applications.operations.move`` (they write
their own audit entries, so those rows name none).
"""

from __future__ import annotations

from portal.core.state_machine import StateMachine

APPLICATION = StateMachine(
    "application",
    states=(
        "draft",
        "submitted",
        "more_information_requested",
        "under_review",
        "screened_out",
        "recommended",
        "waitlisted",
        "not_recommended",
        "awarded",
        "declined",
        "withdrawn",
    ),
    rows=[
        (
            "draft",
            "submit",
            "submitted",
            "applicant (owner or signatory), complete, eligible, before the deadline",
            "application.submitted",
        ),
        (
            "submitted",
            "request_information",
            "more_information_requested",
            "grants manager (screening)",
            "application.more_information_requested",
        ),
        (
            "more_information_requested",
            "provide_information",
            "submitted",
            "applicant, answering in the thread",
            "application.more_information_provided",
        ),
        (
            ("draft", "submitted", "more_information_requested"),
            "withdraw",
            "withdrawn",
            "applicant (owner), before the deadline",
            "application.withdrawn",
        ),
        ("submitted", "screen_out", "screened_out", "grants manager (screening, reasons given)"),
        ("submitted", "screen_in", "under_review", "grants manager (screening passed)"),
        ("under_review", "recommend", "recommended", "grants manager (consensus and ranking)"),
        ("under_review", "waitlist", "waitlisted", "grants manager (consensus and ranking)"),
        (
            "under_review",
            "not_recommend",
            "not_recommended",
            "grants manager (consensus and ranking)",
        ),
        (
            ("recommended", "waitlisted"),
            "award",
            "awarded",
            "grants manager (+ second approver above the threshold)",
        ),
        (
            ("waitlisted", "not_recommended"),
            "decline",
            "declined",
            "grants manager (letter with the evaluation summary)",
        ),
    ],
)


def action_to(state: str, target: str) -> str | None:
    """The action that moves an application from ``state`` to ``target`` (None: no move)."""
    for (source, action), transition in APPLICATION.transitions.items():
        if source == state and transition.target == target:
            return action
    return None
