"""The audit entries other domains announce instead of writing them: every state change (a state
machine's ``moved``, portal/core/state_machine.py) and every account event (accounts sits below
audit and imports none of it, portal/accounts/events.py). Connected once at app set-up."""

from __future__ import annotations

from portal.accounts.events import happened
from portal.core.state_machine import moved


def connect() -> None:
    moved.connect(_record_move, weak=False)
    happened.connect(_record_account_event, weak=False)


def _record_move(machine, *, obj, transition, previous, changes, organisation_id, user) -> None:
    if transition.audit is None:
        return
    from portal.audit.operations import record

    record(
        transition.audit,
        obj,
        changes=changes if changes is not None else {"status": [previous, transition.target]},
        organisation_id=organisation_id,
        user=user,
    )


def _record_account_event(action: str, *, obj, details: dict) -> None:
    from portal.audit.operations import record

    record(action, obj, **details)
