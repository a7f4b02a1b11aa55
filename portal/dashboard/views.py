"""Public home page, the per-role dashboard and the language switcher."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_timedelta
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts.operations import update_preferences
from portal.applications.models import Application
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.core.i18n import current_language, normalise_language
from portal.core.security import safe_next
from portal.dashboard.tasks import tasks_for
from portal.finance import deadlines
from portal.organisations.context import current_membership
from portal.organisations.models import Membership, Organisation

bp = Blueprint("dashboard", __name__)

RECENT = 5
_VISITOR_HOME = "dashboard.visitor_home"  # app.extensions key: {(language, root): html}


@bp.get("/")
def home():
    """The public home page. What a visitor sees here depends only on the language (no
    message is waiting, no query parameter but ``lang``), so that page is rendered once per
    language per process and served from memory: it is the busiest page and runs no query."""
    if (
        current_user.is_authenticated
        or current_app.jinja_env.auto_reload  # templates being edited
        or "_flashes" in session
        or request.args.keys() - {"lang"}
    ):
        return render_template("dashboard/home.html")
    pages = current_app.extensions.setdefault(_VISITOR_HOME, {})
    key = (current_language(), request.script_root)
    page = pages.get(key)
    if page is None:
        page = pages[key] = render_template("dashboard/home.html")
    return page


@bp.get("/dashboard")
@login_required
def dashboard():
    groups = tasks_for(current_user)
    return render_template(
        "dashboard/dashboard.html",
        membership=current_membership(),
        groups=[g for g in groups if g],
        waiting=sum(g.total for g in groups),
        recent=_recent_applications(),
    )


def _recent_applications() -> list:
    """The latest applications of the user's organisations (none for staff-only users)."""
    return db.session.execute(
        select(Application.id, Application.reference, Application.title, Application.status)
        .add_columns(Call.code, Organisation.legal_name)
        .join(Call, Call.id == Application.call_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Membership, Membership.organisation_id == Application.organisation_id)
        .where(Membership.user_id == current_user.id)
        .order_by(Application.updated_dt.desc(), Application.id.desc())
        .limit(RECENT)
    ).all()


@bp.app_template_filter("time_left")
def time_left(due: date | datetime | None) -> str:
    """'in 3 days' / '2 days ago' from now (a datetime) or from today (a calendar date)."""
    if due is None:
        return ""
    if isinstance(due, datetime):
        delta = due - now_utc()
    else:
        delta = due - deadlines.today()
        if not delta.days:
            return _("today")
    return format_timedelta(
        delta, add_direction=True, threshold=1.1, locale=str(get_locale() or "es_MX")
    )


@bp.post("/language")
def set_language():
    """Remember the language in the session and, for a logged-in user, in their profile."""
    lang = normalise_language(request.form.get("lang")) or "es"
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        update_preferences(current_user, locale=lang)  # committed at the end of the request
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.home")))
