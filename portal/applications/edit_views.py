"""Editing a draft: answers, eligibility quiz, budget; then the checklist, submission and
withdrawal.

Every save carries the ``version_id`` the page was built from: a stale one (someone else saved
in between) is refused with a clear message and nothing changes. The answers page also accepts
JSON autosaves from ``static/js/autosave.js`` (same rules, JSON answer).
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from portal.applications import operations
from portal.applications.answers import answers_from_form, prefill
from portal.applications.forms import (
    SubmitForm,
    WithdrawForm,
    answers_form,
    budget_form,
    quiz_answers,
    quiz_form,
)
from portal.applications.operations import StaleApplicationError, SubmissionRefusedError
from portal.applications.validation import checklist
from portal.applications.views import bp, load_application, remember_return, stale_message
from portal.calls.rules import Ineligibility, visible_questions
from portal.core import unit_of_work
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import format_dt
from portal.core.requests import received_at
from portal.core.views import flash_errors, require, run_action


def _editable(application_id: int, budget: bool = True):
    """The draft for editing: 403 for members without edit rights; a submitted one shows
    its status page instead. ``budget``: with the budget rows (the answers page, which every
    autosave posts to, needs none)."""
    application = load_application(application_id, full=True, budget=budget)
    if not application.is_draft and application.membership(current_user) is not None:
        flash(_("This application has been submitted: its answers are locked."), "info")
        return application, redirect(url_for("applications.status", application_id=application.id))
    require(application.can_edit(current_user))
    return application, None


def wants_json() -> bool:
    return request.headers.get("X-Autosave") == "1"


def _save(operation, *args) -> tuple[bool, str | None]:
    """Run a save; (ok, problem). Stale versions and refusals roll back and change nothing."""
    try:
        operation(*args)
        db.session.flush()  # a stale row version shows here, before the request's commit
    except (StaleApplicationError, StaleDataError):
        unit_of_work.discard()
        return False, "stale"
    except InputError as refused:
        unit_of_work.discard()
        return False, refused
    return True, None


def _upload_redirect(application, page: str, anchor: str):
    """After saving, go to the documents upload page for the slot the user clicked."""
    slot = request.form.get("upload", "")
    if not slot:
        return None
    remember_return(application, url_for(page, application_id=application.id) + f"#{anchor}")
    return redirect(
        url_for(
            "documents.upload", owner_type="application", owner_id=application.id, slot_key=slot
        )
    )


# Answers ---------------------------------------------------------------------------------------
@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    application, elsewhere = _editable(application_id, budget=False)
    if elsewhere is not None:
        return elsewhere
    snapshot = application.snapshot()
    form = answers_form(snapshot)
    if not form.is_submitted():
        form.title.data = application.title
        form.version_id.data = application.version_id
        prefill(form, snapshot, application.answers or {})
    elif form.validate():
        args = (application, form.title.data, answers_from_form(snapshot, form), current_user)
        ok, problem = _save(operations.save_answers, *args, form.expected_version())
        if wants_json():
            return _autosave_answer(application, ok, problem)
        if ok:
            return _upload_redirect(
                application, "applications.edit", f"slot-{request.form.get('upload')}"
            ) or _saved(application)
        return _render_edit(
            application, snapshot, form, problem, code=409 if problem == "stale" else 422
        )
    elif wants_json():
        return jsonify(
            ok=False, message=_("Some answers need correcting: save with the button to see them.")
        ), 422
    return _render_edit(application, snapshot, form, None)


def _saved(application):
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


def _autosave_answer(application, ok: bool, problem):
    if ok:
        return jsonify(
            ok=True,
            version_id=application.version_id,
            message=_("Saved automatically at %(time)s.", time=format_dt(now_utc(), fmt="short")),
        )
    if problem == "stale":
        return jsonify(ok=False, stale=True, message=stale_message()), 409
    messages = [m for msgs in problem.errors.values() for m in msgs]
    return jsonify(ok=False, message=" ".join(messages)), 422


def _render_edit(application, snapshot, form, problem, code: int = 200):
    if problem == "stale":
        form.form_errors.append(stale_message())
    elif isinstance(problem, InputError):
        flash_errors(problem)
    answers = application.answers or {}
    placed = {q["document_slot"] for q in snapshot["questions"] if q["kind"] == "document"}
    return (
        render_template(
            "applications/edit.html",
            application=application,
            snapshot=snapshot,
            form=form,
            documents=operations.current_documents(application),
            visible={q["key"] for q in visible_questions(snapshot, answers)},
            slots={s["key"]: s for s in snapshot["document_slots"]},
            unplaced=[s for s in snapshot["document_slots"] if s["key"] not in placed],
            stale=problem == "stale",
        ),
        code,
    )


# Eligibility ---------------------------------------------------------------------------------
@bp.route("/applications/<int:application_id>/eligibility", methods=["GET", "POST"])
@login_required
def eligibility(application_id: int):
    application, elsewhere = _editable(application_id)
    if elsewhere is not None:
        return elsewhere
    form = quiz_form(application.snapshot(), version=application.version_id)
    stale = False
    if not form.is_submitted():
        form.version_id.data = application.version_id
        for key, value in (application.eligibility_answers or {}).items():
            if f"e_{key}" in form._fields:
                form[f"e_{key}"].data = value
    elif form.validate():
        args = (application, quiz_answers(form), current_user, form.expected_version())
        ok, problem = _save(operations.save_eligibility, *args)
        if ok:
            application = operations.load_full(application.id)
            if application.eligible:
                flash(_("According to your answers you are eligible for this call."), "success")
            else:
                flash(_("According to your answers you are not eligible for this call."), "warning")
            return redirect(url_for("applications.eligibility", application_id=application.id))
        stale = problem == "stale"
        if stale:
            form.form_errors.append(stale_message())
    reasons = [Ineligibility(r["kind"], r["key"], r["text"]) for r in application.ineligibility]
    page = render_template(
        "applications/eligibility.html",
        application=application,
        form=form,
        reasons=reasons,
        stale=stale,
    )
    return page, (409 if stale else 200)


# Budget --------------------------------------------------------------------------------------
@bp.route("/applications/<int:application_id>/budget", methods=["GET", "POST"])
@login_required
def budget(application_id: int):
    application, elsewhere = _editable(application_id)
    if elsewhere is not None:
        return elsewhere
    form = budget_form(application)
    problem = None
    if form.is_submitted() and form.validate():
        args = (application, form.line_rows(), form.source_rows(), current_user)
        ok, problem = _save(operations.save_budget, *args, form.expected_version())
        if ok:
            anchor = request.form.get("upload", "totals").replace("commitment_letter_", "source-")
            redirected = _upload_redirect(application, "applications.budget", anchor)
            if redirected:
                return redirected
            flash(_("The budget is saved and the totals are recalculated."), "success")
            return redirect(
                url_for("applications.budget", application_id=application.id) + "#totals"
            )
        application = operations.load_full(application.id)
        if problem == "stale":
            form.form_errors.append(stale_message())
        else:
            _budget_errors(form, problem.errors)
    return _render_budget(application, form, problem)


def _budget_errors(form, errors: dict) -> None:
    """Attach ``lines-0-description`` style errors to the rows' fields."""
    for name, messages in errors.items():
        parts = name.split("-")
        if (
            len(parts) == 3
            and parts[0] in ("lines", "sources")
            and parts[1].isascii()
            and parts[1].isdigit()
        ):
            entries = form[parts[0]].entries
            index = int(parts[1])
            if index < len(entries) and parts[2] in entries[index].form._fields:
                field = entries[index].form[parts[2]]
                field.errors = list(field.errors or []) + list(messages)
                continue
        form.form_errors.extend(messages)


def _render_budget(application, form, problem):
    from portal.applications.budget import totals_of

    code = 200 if problem is None else (409 if problem == "stale" else 422)
    return (
        render_template(
            "applications/budget.html",
            application=application,
            form=form,
            totals=totals_of(application),
            documents=operations.current_documents(application),
        ),
        code,
    )


# Checklist and submission ------------------------------------------------------------------------
@bp.route("/applications/<int:application_id>/submit", methods=["GET", "POST"])
@login_required
def submit(application_id: int):
    application = load_application(application_id, full=True)
    if not application.is_draft:
        return redirect(url_for("applications.status", application_id=application.id))
    require(application.can_edit(current_user) or application.can_submit(current_user))
    form = SubmitForm()
    if request.method == "POST":
        require(application.can_submit(current_user))
        if form.validate_on_submit():
            refused = _try_submit(application)
            if refused is None:
                return redirect(url_for("applications.status", application_id=application.id))
            return _render_checklist(operations.load_full(application.id), form, refused, 422)
    return _render_checklist(application, form, None)


def _try_submit(application):
    try:
        submitted = operations.submit(application, current_user, received_at())
        db.session.flush()  # a concurrent submission or withdrawal shows here
    except SubmissionRefusedError as refused:
        unit_of_work.discard()
        return refused.problems
    except InputError as refused:
        unit_of_work.discard()
        return refused.messages()
    except StaleDataError:  # another member submitted or withdrew it at the same moment
        unit_of_work.discard()
        return [_("This application has already been submitted or withdrawn.")]
    flash(
        _(
            "Your application was submitted with the reference %(reference)s. We sent you a "
            "confirmation e-mail.",
            reference=submitted.reference,
        ),
        "success",
    )
    unit_of_work.on_commit(_generate_acknowledgement, submitted.id)
    return None


def _generate_acknowledgement(application_id: int) -> None:
    """After the submission is committed: queue the acknowledgement (RQ), or make it now."""
    from portal.jobs import enqueue

    try:
        enqueue("portal.applications.acknowledgement:generate_job", application_id)
    except Exception:  # the download generates it on demand
        current_app.logger.exception("could not queue the acknowledgement")


def _render_checklist(application, form, refused, code: int = 200):
    problems = checklist(application, now_utc(), operations.current_documents(application))
    return (
        render_template(
            "applications/submit.html",
            application=application,
            form=form,
            problems=problems,
            refused=refused,
        ),
        code,
    )


# Withdrawal ------------------------------------------------------------------------------------
@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    application = load_application(application_id)
    require(application.can_withdraw(current_user, now_utc()))
    form = WithdrawForm()
    if form.validate_on_submit():
        run_action(
            operations.withdraw,
            application,
            current_user,
            form.reason.data,
            message=_("The application was withdrawn."),
        )
        return redirect(url_for("applications.status", application_id=application.id))
    return render_template("applications/withdraw.html", application=application, form=form)
