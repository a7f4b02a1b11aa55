"""What accounts announce for the audit trail, without importing the audit domain.

The platform layers run downward (.importlinter): audit may import accounts, never the reverse.
Account operations therefore announce what happened on :data:`happened`; the audit domain's
receiver (portal/audit/receivers.py, connected at app set-up) writes the entry in the same
transaction, exactly as ``portal.audit.operations.record`` would have.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
#: ``happened.send(action, obj=..., **details)``; the details are ``record``'s keywords
#: (``changes``, ``user`` — None: the current actor —, ``object_type``, ``object_id``).
happened = _signals.signal("account-happened")


def announce(action: str, obj=None, **details) -> None:
    """Have ``action`` on ``obj`` written to the audit trail (in this transaction)."""
    if not happened.receivers:  # an account change must never go unaudited
        raise RuntimeError("no audit receiver is connected (portal.audit.receivers.connect)")
    happened.send(action, obj=obj, details=details)


def changed(before: dict, after: dict) -> dict:
    """Field-level ``[before, after]`` pairs for the fields that changed (keys sorted)."""
    keys = set(before) | set(after)
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }
