"""The results domain's state machine (portal/core/state_machine.py).

A value the grantee reports for a progress report is reviewed by the programme's staff while
the report waits for a decision: verified, or questioned with a comment (the grantee corrects
it once the report is returned). Correcting a verified or questioned value reports it again.
"""

from __future__ import annotations

from portal.core.state_machine import StateMachine

INDICATOR_ACTUAL = StateMachine(
    "indicator_actual",
    states=("reported", "verified", "questioned"),
    rows=[
        (
            ("reported", "questioned"),
            "verify",
            "verified",
            "grants manager",
            "indicator_actual.verified",
        ),
        (
            ("reported", "verified"),
            "question",
            "questioned",
            "grants manager, with a comment",
            "indicator_actual.questioned",
        ),
        (
            ("verified", "questioned"),
            "correct",
            "reported",
            "the grantee, while the report is editable",
        ),
    ],
)
