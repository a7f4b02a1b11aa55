"""Loading a programme or a call for the current user, each loader named for its rule.

``load_call``: a call the user may see (404 otherwise: drafts stay hidden); ``managed_call``: one
they manage (403 when they only see it). ``load_programme``/``managed_programme``: 404 when
missing, 403 when the user may not see or manage it. Other domains import these from here,
never from the views.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal.calls.models import Call, Programme
from portal.core.db import db


def load_call(code: str) -> Call:
    """The call if the current user may see it; 404 otherwise (drafts stay hidden)."""
    call = db.session.scalar(select(Call).where(Call.code == code.upper()))
    if call is None or not call.can_view(current_user):
        abort(404)
    return call


def managed_call(code: str) -> Call:
    """The call if the current user manages it: 404 when hidden, 403 when only visible."""
    call = load_call(code)
    if not call.can_manage(current_user):
        abort(403)
    return call


def load_programme(programme_id: int) -> Programme:
    """The programme if the current user may see it: 404 when missing, 403 otherwise."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    if not programme.can_view(current_user):
        abort(403)
    return programme


def managed_programme(programme_id: int) -> Programme:
    """The programme if the current user manages it: 404 when missing, 403 otherwise."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    if not programme.can_manage(current_user):
        abort(403)
    return programme
