"""Programme pages for grants managers and administrators, and creating a call in one."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.calls.form_models import FormQuestion
from portal.calls.forms import CallForm, ProgrammeForm
from portal.calls.loaders import load_programme, managed_programme
from portal.calls.models import Call, Programme
from portal.calls.operations import (
    budget_left,
    create_call,
    create_programme,
    grants_managers,
    update_programme,
)
from portal.calls.views import bp
from portal.core.db import db
from portal.core.forms import apply_errors
from portal.core.views import run


def _require_grants_staff() -> None:
    if not current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        abort(403)


@bp.get("/programmes/")
@login_required
def programmes():
    _require_grants_staff()
    rows = db.session.scalars(select(Programme).order_by(Programme.name_es)).all()
    counts = dict(
        db.session.execute(
            select(Call.programme_id, func.count(Call.id)).group_by(Call.programme_id)
        ).all()
    )
    return render_template("calls/programmes.html", programmes=rows, counts=counts)


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def programme_new():
    _require_grants_staff()
    form = ProgrammeForm()
    form.set_manager_choices(grants_managers())
    if form.validate_on_submit():
        programme = run(
            form, create_programme, form.to_data(), current_user, message=_("Programme created.")
        )
        if programme:
            return redirect(url_for("calls.programme", programme_id=programme.id))
    return render_template("calls/programme_form.html", form=form, programme=None)


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    item = load_programme(programme_id)
    calls = db.session.scalars(
        select(Call).where(Call.programme_id == item.id).order_by(Call.created_dt.desc())
    ).all()
    question_counts = dict(
        db.session.execute(
            select(FormQuestion.call_id, func.count(FormQuestion.id)).group_by(FormQuestion.call_id)
        ).all()
    )
    return render_template(
        "calls/programme.html",
        programme=item,
        calls=calls,
        question_counts=question_counts,
        can_manage=item.can_manage(current_user),
    )


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def programme_edit(programme_id: int):
    item = managed_programme(programme_id)
    form = ProgrammeForm.for_programme(item)
    form.set_manager_choices(grants_managers())
    if form.validate_on_submit() and run(
        form, update_programme, item, form.to_data(), current_user, message=_("Programme saved.")
    ):
        return redirect(url_for("calls.programme", programme_id=item.id))
    return render_template("calls/programme_form.html", form=form, programme=item)


@bp.route("/programmes/<int:programme_id>/calls/new", methods=["GET", "POST"])
@login_required
def call_new(programme_id: int):
    item = managed_programme(programme_id)
    form = CallForm()
    if form.validate_on_submit():
        data = form_data_or_errors(form)
        call = data and run(
            form, create_call, item, data, current_user, message=_("Call created as a draft.")
        )
        if call:
            return redirect(url_for("calls.manage", code=call.code))
    return render_template(
        "calls/call_form.html", form=form, programme=item, call=None, left=budget_left(item)
    )


def form_data_or_errors(form: CallForm) -> dict | None:
    """The call form's values, or None after marking a local time that does not exist."""
    from portal.calls.forms import LocalTimeError

    try:
        return form.to_data()
    except LocalTimeError as missing:
        apply_errors(
            form,
            {
                missing.field: [
                    _(
                        "This time does not exist in the chosen time zone (the clocks "
                        "change at that hour); choose another."
                    )
                ]
            },
        )
        return None
