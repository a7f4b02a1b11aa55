"""Managing one call: overview, details, status moves, announcements and FAQ."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.calls.builder_forms import NoticeForm
from portal.calls.constants import CallStatus
from portal.calls.forms import CallForm
from portal.calls.loaders import managed_call
from portal.calls.models import CallNotice
from portal.calls.notice_operations import add_notice, delete_notice, update_notice
from portal.calls.operations import (
    allowed_moves,
    budget_left,
    change_status,
    form_versions,
    publication_problems,
    update_call,
)
from portal.calls.programme_views import form_data_or_errors
from portal.calls.views import bp
from portal.core.db import db, now_utc
from portal.core.views import run, run_action


@bp.get("/calls/<code>/manage")
@login_required
def manage(code: str):
    call = managed_call(code)
    return render_template(
        "calls/manage.html",
        call=call,
        moves=allowed_moves(call),
        problems=publication_problems(call, now_utc()) if call.status == CallStatus.DRAFT else [],
        versions=form_versions(call),
    )


@bp.route("/calls/<code>/edit", methods=["GET", "POST"])
@login_required
def call_edit(code: str):
    call = managed_call(code)
    form = CallForm()
    if not form.is_submitted():
        form.fill_from(call)
    elif form.validate():
        data = form_data_or_errors(form)
        if data and run(form, update_call, call, data, current_user, message=_("Call saved.")):
            return redirect(url_for("calls.manage", code=call.code))
    return render_template(
        "calls/call_form.html",
        form=form,
        programme=call.programme,
        call=call,
        left=budget_left(call.programme, call),
    )


@bp.post("/calls/<code>/status")
@login_required
def call_status(code: str):
    call = managed_call(code)
    target = request.form.get("to", "")
    messages = {
        CallStatus.PUBLISHED.value: _("Call published."),
        CallStatus.CLOSED.value: _("Call closed."),
        CallStatus.ARCHIVED.value: _("Call archived."),
    }
    run_action(change_status, call, target, current_user, message=messages.get(target))
    return redirect(url_for("calls.manage", code=call.code))


# Announcements and FAQ ---------------------------------------------------------------------
def _notice(call, notice_id: int) -> CallNotice:
    notice = db.session.get(CallNotice, notice_id)
    if notice is None or notice.call_id != call.id:
        abort(404)
    return notice


@bp.route("/calls/<code>/notices/new", methods=["GET", "POST"])
@login_required
def notice_new(code: str):
    call = managed_call(code)
    form = NoticeForm()
    if form.validate_on_submit() and run(
        form, add_notice, call, form.to_data(), current_user, message=_("Entry added.")
    ):
        return redirect(url_for("calls.manage", code=call.code, _anchor="notices"))
    return render_template("calls/notice_form.html", form=form, call=call, notice=None)


@bp.route("/calls/<code>/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@login_required
def notice_edit(code: str, notice_id: int):
    call = managed_call(code)
    notice = _notice(call, notice_id)
    form = NoticeForm(obj=notice)
    if form.validate_on_submit() and run(
        form, update_notice, notice, form.to_data(), current_user, message=_("Entry saved.")
    ):
        return redirect(url_for("calls.manage", code=call.code, _anchor="notices"))
    return render_template("calls/notice_form.html", form=form, call=call, notice=notice)


@bp.post("/calls/<code>/notices/<int:notice_id>/delete")
@login_required
def notice_delete(code: str, notice_id: int):
    call = managed_call(code)
    notice = _notice(call, notice_id)
    run_action(delete_notice, notice, current_user, message=_("Entry deleted."))
    return redirect(url_for("calls.manage", code=call.code, _anchor="notices"))
