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
from sqlalchemy.orm import joinedload, lazyload

from portal.calls.models import Call, Programme
from portal.core.db import db

# The call's form, quiz, document slots and notices, loaded with it by default (selectin: four
# statements). Pages that only show the call's heading (lists of its applications, awards,
# reviews) pass ``form=False``: the collections then load on first use, if ever.
FORM_COLLECTIONS = (Call.questions, Call.document_slots, Call.quiz_questions, Call.notices)
# The programme's managers are read only to decide whether a grants manager manages the call:
# loaded on that first use, not for every visitor of a call page.
_PROGRAMME = joinedload(Call.programme, innerjoin=True).lazyload(Programme.managers)


def load_call(code: str, *, form: bool = True) -> Call:
    """The call if the current user may see it; 404 otherwise (drafts stay hidden)."""
    stmt = select(Call).where(Call.code == code.upper()).options(_PROGRAMME)
    if not form:
        stmt = stmt.options(*(lazyload(collection) for collection in FORM_COLLECTIONS))
    call = db.session.scalar(stmt)
    if call is None or not call.can_view(current_user):
        abort(404)
    return call


def managed_call(code: str, *, form: bool = True) -> Call:
    """The call if the current user manages it: 404 when hidden, 403 when only visible."""
    call = load_call(code, form=form)
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
