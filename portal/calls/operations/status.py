"""A call's status: draft → published → closed → archived, through ``CALL`` (states.py)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from portal.calls.constants import CallStatus
from portal.calls.models import Call
from portal.calls.operations.versions import _has_versions, freeze_form_version
from portal.calls.states import CALL
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if

# The machine's action that reaches each status.
ACTIONS = {CallStatus(t.target): t.action for t in CALL.transitions.values()}
ALLOWED_MOVES: dict[CallStatus, frozenset[CallStatus]] = {
    status: frozenset(
        CallStatus(t.target) for (source, _a), t in CALL.transitions.items() if source == status
    )
    for status in CallStatus
}


def allowed_moves(call: Call) -> list[CallStatus]:
    return sorted(ALLOWED_MOVES[call.status_enum], key=list(CallStatus).index)


def change_status(call: Call, to: str, actor, now: datetime | None = None) -> Call:
    """Move the call along draft → published → closed → archived (see ``CALL``); the move
    writes the audit entry (call.published, call.closed, call.archived)."""
    now = now or now_utc()
    try:
        target = CallStatus(to)
    except ValueError:
        raise InputError({"": [_("Unknown status.")]}) from None
    action = ACTIONS.get(target, "")
    if target == CallStatus.PUBLISHED and CALL.can(call, action):
        raise_if({"": publication_problems(call, now)})
    refusal = _(
        "A call cannot go from %(current)s to %(target)s.",
        current=call.status_enum.label,
        target=target.label,
    )
    with db.session.no_autoflush:  # the audit entry's queries must not flush a half-made move
        CALL.move(call, action, refusal=refusal)
        setattr(call, f"{target.value}_dt", now)
    db.session.flush()
    if target == CallStatus.PUBLISHED and not _has_versions(call):
        freeze_form_version(call, actor)
    return call


def publication_problems(call: Call, now: datetime) -> list[str]:
    """Everything that keeps a draft from being published (empty list: ready)."""
    problems = []
    if not all((call.title_es, call.title_en, call.description_es, call.description_en)):
        problems.append(_("Give the title and description in Spanish and in English."))
    if not (call.opens_dt and call.closes_dt):
        problems.append(_("Set the opening and closing dates."))
    elif call.closes_dt <= now:
        problems.append(_("The closing date has already passed."))
    if not call.budget or call.min_award is None or not call.max_award:
        problems.append(_("Set the budget and the minimum and maximum award."))
    if not call.instruments:
        problems.append(_("Offer at least one instrument."))
    if not call.applicant_kinds:
        problems.append(_("Choose at least one eligible applicant type."))
    if not call.all_states and not call.state_codes:
        problems.append(_("Choose the eligible states."))
    if not call.questions:
        problems.append(_("Add at least one question to the application form."))
    return problems
