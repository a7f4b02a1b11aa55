"""The "more information" thread: staff ask, the applicant answers (with an attachment)."""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications import operations
from portal.applications.forms import ReplyForm, RequestInformationForm
from portal.applications.views import bp, load_application, render_status
from portal.core.views import require, run, run_action


@bp.post("/applications/<int:application_id>/request-information")
@login_required
def request_information(application_id: int):
    application = load_application(application_id, full=True)
    require(application.can_request_information(current_user))
    form = RequestInformationForm()
    if not form.validate_on_submit():
        return render_status(application, request_form=form)
    run_action(
        operations.request_information,
        application,
        current_user,
        form.message.data,
        message=_("The request was sent to the applicant."),
    )
    return redirect(url_for("applications.status", application_id=application.id) + "#thread")


@bp.post("/applications/<int:application_id>/reply")
@login_required
def reply(application_id: int):
    application = load_application(application_id, full=True)
    require(application.can_reply(current_user))
    form = ReplyForm()
    if form.validate_on_submit():
        answered = run(
            form,
            operations.provide_information,
            application,
            current_user,
            form.message.data,
            form.attachment.data,
            message=_("Your answer was sent to the programme team."),
        )
        if not answered:
            return render_status(operations.load_full(application.id), reply_form=form, code=422)
        return redirect(url_for("applications.status", application_id=application.id) + "#thread")
    return render_status(application, reply_form=form)
