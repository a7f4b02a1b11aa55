"""Conditions set outside finance that hold a payment back (registered, not imported: the
domains above finance in the grant cycle register their gates when their blueprint is set up).

A gate is ``fn(request) -> str | None``: the reason the payment of this request may not be
approved yet (shown on the request and refused by ``approve_payment``), or ``None``. Issue 16's
reports register one: a payment the award terms tie to a report waits for its approval.
"""

from __future__ import annotations

from collections.abc import Callable

Gate = Callable[[object], "str | None"]
_GATES: list[Gate] = []


def register(gate: Gate) -> None:
    if gate not in _GATES:
        _GATES.append(gate)


def reasons_held(request) -> list[str]:
    """Why the payment of ``request`` cannot be approved yet (empty: nothing holds it)."""
    return [reason for gate in _GATES if (reason := gate(request))]
