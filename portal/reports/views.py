"""Blueprint ``reports`` (under /grant-reports; /reports is the finance dashboard): a report's
page (the grantee drafts with autosave, attaches documents, certifies and submits; staff
approve or return it with comments per question; both write in its thread), the review queue.
The schedule editor is in ``schedule_views.py``, the call's report questions in
``question_views.py``.

Loaders answer 404 to whoever may not see the grant; ``require`` answers 403 to people who see
it but may not act.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.applications.answers import (
    add_question_fields,
    answers_from_form,
    display_answer,
    prefill,
)
from portal.applications.models import Application
from portal.awards.models import Award
from portal.core import unit_of_work
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import current_language, format_dt
from portal.core.views import require, run
from portal.reports import extensions, forms, operations, permissions
from portal.reports.documents import report_owner
from portal.reports.models import GrantReport
from portal.reports.questions import snapshot_of
from portal.reports.views_support import due_instant, title

bp = Blueprint("reports", __name__, url_prefix="/grant-reports")


@bp.record_once
def _setup(state) -> None:
    from portal.reports.setup import init_app

    init_app(state.app)


def visible_report(report_id: int) -> GrantReport:
    report = db.session.get(GrantReport, report_id)
    if report is None or not permissions.can_view(report, current_user):
        abort(404)
    return report


def _label(question: dict) -> str:
    texts = question.get("label") or {}
    return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""


def answers_form(snapshot: dict, formdata=None):
    form_class = add_question_fields(forms.AnswersBase, snapshot)
    return form_class() if formdata is None else form_class(formdata=formdata)


def report_context(report: GrantReport, **given) -> dict:
    from portal.documents.operations import listing

    snapshot = snapshot_of(report)
    questions = snapshot["questions"]
    can_draft = permissions.can_draft(report, current_user)
    form = given.get("form")
    if form is None and can_draft:
        form = answers_form(snapshot, formdata=None)
        prefill(form, snapshot, report.answers or {})
    return_form_class = forms.return_form(report.form_snapshot or [], _label)
    owner = report_owner(report)
    thread: dict = {}
    for comment in report.comments:
        thread.setdefault(comment.question_key, []).append(comment)
    answers = report.answers or {}
    return {
        "report": report,
        "award": report.award,
        "application": report.award.application,
        "title": title(report),
        "due": due_instant(report),
        "zone": report.award.application.call.timezone,
        "questions": questions,
        "snapshot": snapshot,
        "shown": {q["key"]: display_answer(q, answers.get(q["key"])) for q in questions},
        "label": _label,
        "form": form,
        "thread": thread,
        "documents": listing(owner),
        "owner": owner,
        "sections": extensions.sections(report, current_user),
        "can_draft": can_draft,
        "can_certify": permissions.can_certify(report, current_user),
        "can_manage": permissions.can_manage(report, current_user),
        "can_reply": permissions.can_reply(report, current_user),
        "missing": operations.missing_answers(report) if can_draft else [],
        "submit_form": given.get("submit_form") or forms.SubmitForm(formdata=None),
        "reply_form": given.get("reply_form") or forms.ReplyForm(formdata=None),
        "approve_form": given.get("approve_form") or forms.ApproveForm(formdata=None),
        "return_form": given.get("return_form") or return_form_class(formdata=None),
    }


def _page(report, **given):
    """The report's page, again with ``given`` forms as posted (their errors shown)."""
    return render_template("reports/report.html", **report_context(report, **given))


def _to_report(report, anchor: str = ""):
    return redirect(url_for("reports.report", report_id=report.id) + anchor)


def _flash_first(form) -> None:
    messages = [*form.form_errors, *(m for f in form for m in f.errors)]
    if messages:
        flash(str(messages[0]), "danger")


# The report page and the grantee's draft ------------------------------------------------------
def wants_json() -> bool:
    return request.headers.get("X-Autosave") == "1"


@bp.route("/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(report_id: int):
    report = visible_report(report_id)
    if request.method == "GET":
        return _page(report)
    require(permissions.can_draft(report, current_user))
    snapshot = snapshot_of(report)
    form = answers_form(snapshot)
    if form.validate():
        try:
            operations.save_answers(report, current_user, answers_from_form(snapshot, form))
        except InputError as refused:
            unit_of_work.discard()
            if wants_json():
                return jsonify(ok=False, message=" ".join(map(str, refused.messages()))), 422
            for text in refused.messages():
                flash(str(text), "danger")
            return _to_report(report)
        if wants_json():
            return jsonify(
                ok=True,
                message=_(
                    "Saved automatically at %(time)s.", time=format_dt(now_utc(), fmt="short")
                ),
            )
        flash(_("Your answers are saved."), "success")
        return _to_report(report, "#answers-heading")
    if wants_json():
        return jsonify(
            ok=False, message=_("Some answers need correcting: save with the button to see them.")
        ), 422
    return _page(report, form=form)


@bp.post("/<int:report_id>/submit")
@login_required
def submit(report_id: int):
    report = visible_report(report_id)
    require(permissions.is_grantee(report, current_user))
    form = forms.SubmitForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.submit_report,
            report,
            current_user,
            certified=form.certified.data,
            typed_name=form.typed_name.data,
            message=_("Report submitted: the grants manager will review it."),
        ):
            return _to_report(report)
        _flash_first(form)
    return _page(report, submit_form=form)


@bp.post("/<int:report_id>/reply")
@login_required
def reply(report_id: int):
    report = visible_report(report_id)
    require(permissions.can_reply(report, current_user))
    form = forms.ReplyForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.reply,
            report,
            current_user,
            form.body.data,
            request.form.get("question_key") or None,
            message=_("Message added to the thread."),
        ):
            return _to_report(report, "#thread-heading")
        _flash_first(form)
    return _page(report, reply_form=form)


# Staff's decision ------------------------------------------------------------------------------
@bp.post("/<int:report_id>/approve")
@login_required
def approve(report_id: int):
    report = visible_report(report_id)
    require(permissions.can_manage(report, current_user))
    form = forms.ApproveForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.approve_report,
            report,
            current_user,
            comment=form.comment.data,
            message=_("Report approved."),
        ):
            return _to_report(report)
        _flash_first(form)
    return _page(report, approve_form=form)


@bp.post("/<int:report_id>/return")
@login_required
def return_report(report_id: int):
    report = visible_report(report_id)
    require(permissions.can_manage(report, current_user))
    form = forms.return_form(report.form_snapshot or [], _label)()
    if form.validate_on_submit():
        per_question = {
            name.removeprefix("c_"): f.data
            for name, f in form._fields.items()
            if name.startswith("c_")
        }
        if run(
            form,
            operations.return_report,
            report,
            current_user,
            general=form.general.data,
            per_question=per_question,
            message=_("Report returned to the grantee with your comments."),
        ):
            return _to_report(report)
        _flash_first(form)
    return _page(report, return_form=form)


# The review queue ----------------------------------------------------------------------------
def managed_award_ids(user):
    """Awards of the programmes ``user`` manages (None: every award, for administrators)."""
    from portal.accounts.roles import Role
    from portal.calls.models import programme_managers

    if user.has_role(Role.ADMIN):
        return None
    return (
        select(Award.id)
        .join(programme_managers, programme_managers.c.programme_id == Award.programme_id)
        .where(programme_managers.c.user_id == user.id)
    )


@bp.get("/queue")
@login_required
def queue():
    from portal.accounts.roles import Role

    require(current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN))
    query = (
        select(GrantReport, Application.reference, Application.title)
        .join(Award, Award.id == GrantReport.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(GrantReport.status == "submitted")
        .order_by(GrantReport.submitted_dt, GrantReport.id)
    )
    ids = managed_award_ids(current_user)
    if ids is not None:
        query = query.where(GrantReport.award_id.in_(ids))
    rows = [(r, ref, t, title(r)) for r, ref, t in db.session.execute(query)]
    return render_template("reports/queue.html", rows=rows)


from portal.reports import question_views, schedule_views  # noqa: E402, F401 - registers routes
