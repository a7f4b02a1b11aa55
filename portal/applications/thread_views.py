"""The "more information" thread: staff ask, the applicant answers (with an attachment)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications import operations
from portal.applications.forms import ReplyForm, RequestInformationForm
from portal.applications.views import bp, flash_errors, load_application, render_status, require
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.forms import apply_errors


@bp.post("/applications/<int:application_id>/request-information")
@login_required
def request_information(application_id: int):
    application = load_application(application_id, full=True)
    require(application.can_request_information(current_user))
    form = RequestInformationForm()
    if not form.validate_on_submit():
        return render_status(application, request_form=form)
    try:
        operations.request_information(application, current_user, form.message.data)
    except InputError as refused:
        db.session.rollback()
        flash_errors(refused.errors)
    else:
        db.session.commit()
        flash(_("The request was sent to the applicant."), "success")
    return redirect(url_for("applications.status", application_id=application.id) + "#thread")


@bp.post("/applications/<int:application_id>/reply")
@login_required
def reply(application_id: int):
    application = load_application(application_id, full=True)
    require(application.can_reply(current_user))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            operations.provide_information(
                application, current_user, form.message.data, form.attachment.data
            )
        except InputError as refused:
            db.session.rollback()
            apply_errors(form, refused.errors)
            return render_status(operations.load_full(application.id), reply_form=form, code=422)
        db.session.commit()
        flash(_("Your answer was sent to the programme team."), "success")
        return redirect(url_for("applications.status", application_id=application.id) + "#thread")
    return render_status(application, reply_form=form)
