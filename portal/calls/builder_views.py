"""The form builder: application questions, document slots and the eligibility quiz."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.calls import form_operations as ops
from portal.calls import quiz_operations as quiz_ops
from portal.calls.builder_forms import QuestionForm, QuizForm, SlotForm
from portal.calls.form_models import CallDocumentSlot, EligibilityQuestion, FormQuestion
from portal.calls.loaders import managed_call
from portal.calls.operations import form_versions
from portal.calls.views import bp
from portal.core.db import db
from portal.core.views import run, run_action


def _child(model, call, item_id: int):
    item = db.session.get(model, item_id)
    if item is None or item.call_id != call.id:
        abort(404)
    return item


def _direction() -> str:
    return "up" if request.form.get("direction") == "up" else "down"


# Application form questions ----------------------------------------------------------------
@bp.get("/calls/<code>/form")
@login_required
def form_builder(code: str):
    call = managed_call(code)
    return render_template("calls/form_builder.html", call=call, versions=form_versions(call))


@bp.route("/calls/<code>/form/new", methods=["GET", "POST"])
@login_required
def question_new(code: str):
    call = managed_call(code)
    form = QuestionForm()
    form.set_choices(call)
    if not form.is_submitted() and request.args.get("kind"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        data = form.to_data()
        if data and run(
            form, ops.add_question, call, data, current_user, message=_("Question added.")
        ):
            return redirect(url_for("calls.form_builder", code=call.code))
    return render_template("calls/question_form.html", form=form, call=call, question=None)


@bp.route("/calls/<code>/form/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def question_edit(code: str, question_id: int):
    call = managed_call(code)
    question = _child(FormQuestion, call, question_id)
    form = QuestionForm()
    form.set_choices(call, question)
    if not form.is_submitted():
        form.fill_from(question)
    elif form.validate():
        data = form.to_data()
        if data and run(
            form, ops.update_question, question, data, current_user, message=_("Question saved.")
        ):
            return redirect(url_for("calls.form_builder", code=call.code))
    return render_template("calls/question_form.html", form=form, call=call, question=question)


@bp.post("/calls/<code>/form/<int:question_id>/delete")
@login_required
def question_delete(code: str, question_id: int):
    call = managed_call(code)
    question = _child(FormQuestion, call, question_id)
    run_action(ops.delete_question, question, current_user, message=_("Question deleted."))
    return redirect(url_for("calls.form_builder", code=call.code))


@bp.post("/calls/<code>/form/<int:question_id>/move")
@login_required
def question_move(code: str, question_id: int):
    call = managed_call(code)
    question = _child(FormQuestion, call, question_id)
    run_action(ops.move_question, question, _direction(), current_user)
    return redirect(url_for("calls.form_builder", code=call.code, _anchor=f"q-{question.id}"))


# Document slots ----------------------------------------------------------------------------
@bp.route("/calls/<code>/documents/new", methods=["GET", "POST"])
@login_required
def slot_new(code: str):
    call = managed_call(code)
    form = SlotForm()
    if form.validate_on_submit() and run(
        form, ops.add_slot, call, form.to_data(), current_user, message=_("Document slot added.")
    ):
        return redirect(url_for("calls.manage", code=call.code, _anchor="documents"))
    return render_template("calls/slot_form.html", form=form, call=call, slot=None)


@bp.route("/calls/<code>/documents/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
def slot_edit(code: str, slot_id: int):
    call = managed_call(code)
    slot = _child(CallDocumentSlot, call, slot_id)
    form = SlotForm()
    if not form.is_submitted():
        form.fill_from(slot)
    elif form.validate() and run(
        form,
        ops.update_slot,
        slot,
        form.to_data(),
        current_user,
        message=_("Document slot saved."),
    ):
        return redirect(url_for("calls.manage", code=call.code, _anchor="documents"))
    return render_template("calls/slot_form.html", form=form, call=call, slot=slot)


@bp.post("/calls/<code>/documents/<int:slot_id>/delete")
@login_required
def slot_delete(code: str, slot_id: int):
    call = managed_call(code)
    slot = _child(CallDocumentSlot, call, slot_id)
    run_action(ops.delete_slot, slot, current_user, message=_("Document slot deleted."))
    return redirect(url_for("calls.manage", code=call.code, _anchor="documents"))


# Eligibility quiz --------------------------------------------------------------------------
@bp.route("/calls/<code>/quiz/new", methods=["GET", "POST"])
@login_required
def quiz_new(code: str):
    call = managed_call(code)
    form = QuizForm()
    if form.validate_on_submit():
        data = form.to_data()
        if data and run(
            form,
            quiz_ops.add_quiz_question,
            call,
            data,
            current_user,
            message=_("Eligibility question added."),
        ):
            return redirect(url_for("calls.manage", code=call.code, _anchor="quiz"))
    return render_template("calls/quiz_form.html", form=form, call=call, item=None)


@bp.route("/calls/<code>/quiz/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def quiz_edit(code: str, item_id: int):
    call = managed_call(code)
    item = _child(EligibilityQuestion, call, item_id)
    form = QuizForm()
    if not form.is_submitted():
        form.fill_from(item)
    elif form.validate():
        data = form.to_data()
        if data and run(
            form,
            quiz_ops.update_quiz_question,
            item,
            data,
            current_user,
            message=_("Eligibility question saved."),
        ):
            return redirect(url_for("calls.manage", code=call.code, _anchor="quiz"))
    return render_template("calls/quiz_form.html", form=form, call=call, item=item)


@bp.post("/calls/<code>/quiz/<int:item_id>/delete")
@login_required
def quiz_delete(code: str, item_id: int):
    call = managed_call(code)
    item = _child(EligibilityQuestion, call, item_id)
    run_action(
        quiz_ops.delete_quiz_question,
        item,
        current_user,
        message=_("Eligibility question deleted."),
    )
    return redirect(url_for("calls.manage", code=call.code, _anchor="quiz"))


@bp.post("/calls/<code>/quiz/<int:item_id>/move")
@login_required
def quiz_move(code: str, item_id: int):
    call = managed_call(code)
    item = _child(EligibilityQuestion, call, item_id)
    run_action(quiz_ops.move_quiz_question, item, _direction(), current_user)
    return redirect(url_for("calls.manage", code=call.code, _anchor="quiz"))
