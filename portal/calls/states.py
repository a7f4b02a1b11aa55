"""The calls domain's state machine (portal/core/state_machine.py): a call is drafted,
published once nothing is missing, closed, then archived."""

from __future__ import annotations

from portal.core.state_machine import StateMachine

CALL = StateMachine(
    "call",
    states=("draft", "published", "closed", "archived"),
    rows=[
        (
            "draft",
            "publish",
            "published",
            "programme manager or admin, when nothing is missing",
            "call.published",
        ),
        ("published", "close", "closed", "programme manager or admin", "call.closed"),
        ("closed", "archive", "archived", "programme manager or admin", "call.archived"),
    ],
)
