"""Staff configure the questions of a call's reports (linked from the call's management page).
When a call has no question for a kind of report, its reports ask the default questions."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.calls.loaders import managed_call
from portal.calls.rules import format_options
from portal.core.db import db
from portal.core.views import run, run_action
from portal.reports import forms
from portal.reports.constants import ReportKind
from portal.reports.models import ReportQuestion
from portal.reports.question_operations import delete_question, save_question
from portal.reports.questions import DEFAULTS, call_questions
from portal.reports.views import _label, bp


@bp.get("/calls/<code>/questions")
@login_required
def questions(code: str):
    call = managed_call(code)
    kinds = [
        (kind, call_questions(call.id, kind.value), DEFAULTS[kind.value]) for kind in ReportKind
    ]
    return render_template("reports/questions.html", call=call, kinds=kinds, label=_label)


def _question(call, question_id: int) -> ReportQuestion:
    question = db.session.get(ReportQuestion, question_id)
    if question is None or question.call_id != call.id:
        abort(404)
    return question


def _data(form) -> dict:
    return {
        "report_kind": form.report_kind.data,
        "key": form.key.data or "",
        "kind": form.kind.data,
        "label_es": form.label_es.data,
        "label_en": form.label_en.data,
        "help_es": form.help_es.data,
        "help_en": form.help_en.data,
        "required": form.required.data,
        "max_chars": form.max_chars.data,
        "position": form.position.data,
        "options_text": form.options.data,
    }


def _edit(call, question: ReportQuestion | None):
    form = forms.ReportQuestionForm(obj=question if question else None)
    if question is not None and not form.is_submitted():
        form.options.data = format_options(question.options or [])
    if form.validate_on_submit() and run(
        form, save_question, call, current_user, _data(form), question, message=_("Question saved.")
    ):
        return redirect(url_for("reports.questions", code=call.code))
    return render_template("reports/question_form.html", call=call, form=form, question=question)


@bp.route("/calls/<code>/questions/new", methods=["GET", "POST"])
@login_required
def question_new(code: str):
    return _edit(managed_call(code), None)


@bp.route("/calls/<code>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def question_edit(code: str, question_id: int):
    call = managed_call(code)
    return _edit(call, _question(call, question_id))


@bp.post("/calls/<code>/questions/<int:question_id>/delete")
@login_required
def question_delete(code: str, question_id: int):
    call = managed_call(code)
    run_action(
        delete_question,
        _question(call, question_id),
        current_user,
        message=_("Question deleted; submitted reports keep the questions they answered."),
    )
    return redirect(url_for("reports.questions", code=call.code))
