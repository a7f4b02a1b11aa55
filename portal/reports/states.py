"""The grantee report's state machine (portal/core/state_machine.py).

A report is scheduled "due"; the grantee's first save makes it a draft; the organisation's
signatory certifies and submits it; the programme's grants manager approves it or returns it
with comments, and a returned report is corrected and submitted again.
"""

from __future__ import annotations

from portal.core.state_machine import StateMachine

GRANT_REPORT = StateMachine(
    "grant_report",
    states=("due", "draft", "submitted", "returned", "approved"),
    rows=[
        ("due", "save", "draft", "grantee (owner or editor), first save", "grant_report.drafted"),
        (
            ("due", "draft", "returned"),
            "submit",
            "submitted",
            "the organisation's signatory, certifying it",
            "grant_report.submitted",
        ),
        ("submitted", "approve", "approved", "grants manager", "grant_report.approved"),
        (
            "submitted",
            "return",
            "returned",
            "grants manager, with comments",
            "grant_report.returned",
        ),
    ],
)
