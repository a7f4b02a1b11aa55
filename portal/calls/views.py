"""Blueprint ``calls``: public call pages, the eligibility check, and (in the sibling view
modules) programme and call management for grants managers.

Public pages need no login for published, closed and archived calls; a draft is a 404 for
anyone but grants managers and administrators. Management needs the programme's managers
or an administrator (403 otherwise).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, raiseload

from portal.calls.constants import PUBLIC_STATUSES
from portal.calls.models import Call, Programme
from portal.calls.quiz import QuizAnswers
from portal.calls.rules import evaluate_eligibility, form_snapshot
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.forms import apply_errors
from portal.organisations.context import current_membership

bp = Blueprint("calls", __name__)


# Loading and permissions -------------------------------------------------------------------
def load_call(code: str) -> Call:
    """The call if the current user may see it; 404 otherwise (drafts stay hidden)."""
    call = db.session.scalar(select(Call).where(Call.code == code.upper()))
    if call is None or not call.can_view(current_user):
        abort(404)
    return call


def managed_call(code: str) -> Call:
    call = load_call(code)
    if not call.can_manage(current_user):
        abort(403)
    return call


def load_programme(programme_id: int, manage: bool = False) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    allowed = programme.can_manage if manage else programme.can_view
    if not allowed(current_user):
        abort(403)
    return programme


def run(form, operation, *args, message: str | None = None):
    """Run an operation; commit and flash on success, or show its refusal on the form."""
    try:
        result = operation(*args)
    except InputError as refused:
        db.session.rollback()
        apply_errors(form, refused.errors)
        return None
    db.session.commit()
    if message:
        flash(message, "success")
    return result if result is not None else True


def run_action(operation, *args, message: str | None = None) -> bool:
    """For buttons without a form: flash the refusal instead."""
    try:
        operation(*args)
    except InputError as refused:
        db.session.rollback()
        for messages in refused.errors.values():
            for text in messages:
                flash(text, "danger")
        return False
    db.session.commit()
    if message:
        flash(message, "success")
    return True


def user_zone() -> str:
    zone = get_timezone()
    return getattr(zone, "key", str(zone))


# Public pages ------------------------------------------------------------------------------
@bp.get("/calls/")
def index():
    """Open calls first (nearest deadline first), then upcoming, then past calls."""
    stmt = (
        select(Call)
        .where(Call.status.in_([s.value for s in PUBLIC_STATUSES]))
        .options(joinedload(Call.programme), raiseload("*"))
        .order_by(Call.closes_dt)
    )
    calls = db.session.scalars(stmt).unique().all()
    now = now_utc()
    groups = {"open": [], "upcoming": [], "ended": []}
    for call in calls:
        groups[call.phase(now)].append(call)
    groups["ended"].reverse()
    return render_template("calls/index.html", groups=groups, now=now)


@bp.get("/calls/<code>")
def detail(code: str):
    call = load_call(code)
    return render_template(
        "calls/detail.html",
        call=call,
        snapshot=form_snapshot(call),
        now=now_utc(),
        can_manage=call.can_manage(current_user),
    )


@bp.get("/calls/<code>/eligibility")
def eligibility(code: str):
    """Answer the quiz and see at once whether (and why not) you are eligible. Stores nothing."""
    call = load_call(code)
    form = QuizAnswers.for_call(call, request.args)
    membership = current_membership()
    organisation = membership.organisation if membership else None
    reasons = None
    if request.args.get("check") and form.validate():
        reasons = evaluate_eligibility(call, form.answers(), organisation=organisation)
    return render_template(
        "calls/eligibility.html",
        call=call,
        form=form,
        reasons=reasons,
        organisation=organisation,
    )


@bp.context_processor
def _calls_template_helpers() -> dict:
    """Labels the calls templates need (only for this blueprint's pages)."""
    from portal.calls import constants
    from portal.core.i18n import current_language, format_number
    from portal.organisations.states import STATES

    def bilingual(texts: dict | None) -> str:
        texts = texts or {}
        return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""

    def percent(value) -> str:
        return format_number(value) if value is not None else "—"

    def answer_limits(question, currency: str | None = None) -> str:
        """The limits of a number or money question (snapshot or row): "from 1 to 1,000,000"."""
        from flask_babel import gettext

        from portal.calls.rules import number_bounds, question_snapshot
        from portal.core.i18n import format_money

        if not isinstance(question, dict):
            question = question_snapshot(question)
        low, high = number_bounds(question)
        if question["kind"] == constants.QuestionKind.MONEY and currency:
            low, high = format_money(low, currency), format_money(high, currency)
        else:
            low, high = format_number(low), format_number(high)
        return gettext("from %(min)s to %(max)s", min=low, max=high)

    return {
        "bilingual": bilingual,
        "percent": percent,
        "answer_limits": answer_limits,
        "user_zone": user_zone(),
        "APPLICANT_KIND_LABELS": constants.APPLICANT_KIND_LABELS,
        "STATE_NAMES": {s.inegi: s.name for s in STATES},
        "DOCUMENT_TYPES": constants.DOCUMENT_TYPES,
        "QuestionKind": constants.QuestionKind,
        "YES_NO_LABELS": constants.YES_NO_LABELS,
        "CallStatus": constants.CallStatus,
    }


# The management routes register themselves on ``bp``.
from portal.calls import builder_views, manage_views, programme_views  # noqa: E402, F401

__all__ = ["apply_errors", "bp"]
