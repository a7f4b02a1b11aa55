"""Screening pages (grants managers of the call's programme and administrators)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications.models import Application
from portal.core.db import db
from portal.core.pagination import requested_page
from portal.core.text import as_id
from portal.core.views import run
from portal.reviews import screening
from portal.reviews.constants import SCREENING_REASONS
from portal.reviews.forms import ScreeningForm
from portal.reviews.views import application_in, bp, managed_call


@bp.get("/calls/<code>/screening")
@login_required
def screening_list(code: str):
    """Both queues a page at a time (``?page=`` waiting, ``?done_page=`` screened)."""
    call = managed_call(code, form=False)
    waiting, done = screening.queues(
        call, requested_page(), as_id(request.args.get("done_page")) or 1
    )
    return render_template("reviews/screening_list.html", call=call, waiting=waiting, done=done)


@bp.route("/calls/<code>/screening/<int:application_id>", methods=["GET", "POST"])
@login_required
def screen(code: str, application_id: int):
    call = managed_call(code)
    application = application_in(call, application_id)
    form = ScreeningForm()
    if form.validate_on_submit() and run(
        form,
        screening.screen,
        application,
        current_user,
        outcome=form.outcome.data,
        reasons=form.reasons.data or [],
        note=form.note.data or "",
        message=_("The screening decision is recorded."),
    ):
        return redirect(url_for("reviews.screening_list", code=call.code))
    application = db.session.get(Application, application.id)
    return render_template(
        "reviews/screen.html",
        call=call,
        application=application,
        form=form,
        decisions=screening.decisions(application),
        reasons=SCREENING_REASONS,
    ), (422 if form.errors else 200)
