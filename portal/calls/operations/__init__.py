"""Business logic for programmes and calls: validate, change state, audit, flush. Never commit.

Bad input raises ``InputError`` with messages per form field, and changes nothing. One module
per topic: ``programmes``, ``call_details`` (creating and editing a call), ``status`` (its
moves, through ``portal.calls.states.CALL``) and ``versions`` (the frozen forms). The pure rules
(snapshots, show-only-if, eligibility) live in ``portal.calls.rules`` and are re-exported here.
"""

from __future__ import annotations

from portal.calls.operations.call_details import (
    CALL_FIELDS,
    budget_left,
    create_call,
    update_call,
)
from portal.calls.operations.programmes import (
    PROGRAMME_FIELDS,
    create_programme,
    grants_managers,
    update_programme,
)
from portal.calls.operations.status import (
    ALLOWED_MOVES,
    allowed_moves,
    change_status,
    publication_problems,
)
from portal.calls.operations.versions import (
    form_changed,
    form_versions,
    freeze_form_version,
    used_keys,
)
from portal.calls.rules import (
    evaluate_eligibility,
    form_snapshot,
    required_document_slots,
    visible_questions,
)
from portal.core.errors import InputError, raise_if

__all__ = [
    "ALLOWED_MOVES",
    "CALL_FIELDS",
    "PROGRAMME_FIELDS",
    "InputError",
    "allowed_moves",
    "budget_left",
    "change_status",
    "create_call",
    "create_programme",
    "evaluate_eligibility",
    "form_changed",
    "form_snapshot",
    "form_versions",
    "freeze_form_version",
    "grants_managers",
    "publication_problems",
    "raise_if",
    "required_document_slots",
    "update_call",
    "update_programme",
    "used_keys",
    "visible_questions",
]
