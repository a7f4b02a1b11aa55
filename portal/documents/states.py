"""The document's moves (portal/core/state_machine.py): an upload slot stays pending until its
file is verified and numbered (clean) or refused (rejected, also when never finished)."""

from __future__ import annotations

from portal.core.state_machine import StateMachine

DOCUMENT = StateMachine(
    "document",
    states=("pending", "clean", "rejected"),
    rows=[
        ("pending", "accept", "clean", "the upload's verification (finalize)", "document.uploaded"),
        (
            "pending",
            "reject",
            "rejected",
            "the upload's verification, or housekeeping for an upload never finished",
            "document.rejected",
        ),
    ],
)
