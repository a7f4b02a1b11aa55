"""Public home page, the per-role dashboard and the language switcher."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from portal.accounts.operations import update_preferences
from portal.core.i18n import normalise_language
from portal.core.security import safe_next
from portal.organisations.context import current_membership

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    return render_template("dashboard/home.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("dashboard/dashboard.html", membership=current_membership())


@bp.post("/language")
def set_language():
    """Remember the language in the session and, for a logged-in user, in their profile."""
    lang = normalise_language(request.form.get("lang")) or "es"
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        update_preferences(current_user, locale=lang)  # committed at the end of the request
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.home")))
