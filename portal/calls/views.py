"""Blueprint ``calls``: public call pages, the eligibility check, and (in the sibling view
modules) programme and call management for grants managers.

Public pages need no login for published, closed and archived calls; a draft is a 404 for
anyone but grants managers and administrators. Management needs the programme's managers
or an administrator (403 otherwise).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, raiseload

from portal.calls.constants import PUBLIC_STATUSES
from portal.calls.loaders import load_call, load_programme, managed_call, managed_programme
from portal.calls.models import Call
from portal.calls.quiz import QuizAnswers
from portal.calls.rules import evaluate_eligibility, form_snapshot
from portal.core.db import db, now_utc
from portal.organisations.context import current_membership

bp = Blueprint("calls", __name__)


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
    from portal.organisations.mexican_states import STATES
    from portal.organisations.models import OrgKind

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
        "OrgKind": OrgKind,
        "STATE_NAMES": {s.inegi: s.name for s in STATES},
        "DOCUMENT_TYPES": constants.DOCUMENT_TYPES,
        "QuestionKind": constants.QuestionKind,
        "YesNo": constants.YesNo,
        "CallStatus": constants.CallStatus,
    }


# The management routes register themselves on ``bp``.
from portal.calls import builder_views, manage_views, programme_views  # noqa: E402, F401

__all__ = ["bp", "load_call", "load_programme", "managed_call", "managed_programme"]
