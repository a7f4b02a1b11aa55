"""The audit entry of every state change: written when a state machine announces a move
(portal/core/state_machine.py), so no operation writes it by hand."""

from __future__ import annotations

from portal.core.state_machine import moved


def connect() -> None:
    moved.connect(_record_move, weak=False)


def _record_move(machine, *, obj, transition, previous, changes, organisation_id) -> None:
    if transition.audit is None:
        return
    from portal.audit.operations import record

    record(
        transition.audit,
        obj,
        changes=changes if changes is not None else {"status": [previous, transition.target]},
        organisation_id=organisation_id,
    )
