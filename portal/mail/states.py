"""The outbox message's moves: pending until sent, logged (no mail server) or given up."""

from __future__ import annotations

from portal.core.state_machine import StateMachine

OUTBOX = StateMachine(
    "outbox_message",
    states=("pending", "sent", "logged", "failed"),
    rows=[
        ("pending", "send", "sent", "the delivery job", "mail.sent"),
        ("pending", "log", "logged", "the delivery job (no mail server)"),
        ("pending", "give_up", "failed", "the delivery job, after the last attempt", "mail.failed"),
    ],
)
