"""Staff pages that set up a call's evaluation: the overview, the rubric and the panel."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.accounts import step_up
from portal.accounts.models import User
from portal.applications.models import Application
from portal.core.db import db
from portal.core.forms import choice_list
from portal.core.views import run, run_action
from portal.reviews import operations
from portal.reviews.forms import (
    ActionForm,
    AddMemberForm,
    CriterionForm,
    InviteExpertForm,
    PanelForm,
    RubricForm,
)
from portal.reviews.models import Assignment, Criterion, PanelMember, Review
from portal.reviews.views import bp, managed_call


# Overview ----------------------------------------------------------------------------------------
@bp.get("/calls/<code>/review")
@login_required
def hub(code: str):
    call = managed_call(code)
    statuses = dict(
        db.session.execute(
            select(Application.status, func.count(Application.id))
            .where(Application.call_id == call.id, Application.submitted_dt.is_not(None))
            .group_by(Application.status)
        ).all()
    )
    counts = {
        "assignments": db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.call_id == call.id, Assignment.conflict.is_not(True)
            )
        ),
        "recused": db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.call_id == call.id, Assignment.conflict.is_(True)
            )
        ),
        "submitted": db.session.scalar(
            select(func.count(Review.id)).where(
                Review.call_id == call.id, Review.status == "submitted"
            )
        ),
    }
    return render_template(
        "reviews/hub.html",
        call=call,
        statuses=statuses,
        counts=counts,
        rubric=operations.rubric_of(call),
        panel=operations.panel_of(call),
    )


# Rubric ------------------------------------------------------------------------------------------
@bp.route("/calls/<code>/rubric", methods=["GET", "POST"])
@login_required
def rubric(code: str):
    call = managed_call(code)
    rubric = operations.rubric_of(call)
    form = RubricForm(obj=rubric)
    if rubric is not None and not form.is_submitted():
        form.tie_criterion_id.data = rubric.tie_criterion.id if rubric.tie_criterion else 0
    if rubric is None and not form.is_submitted():
        form.tie_use_cofinance.data = True
    form.set_criteria(rubric.criteria if rubric else [])
    if form.validate_on_submit() and run(
        form,
        operations.update_rubric,
        call,
        current_user,
        half_points=form.half_points.data,
        overall_threshold=form.overall_threshold.data,
        tie_criterion_id=form.tie_criterion_id.data or None,
        tie_use_cofinance=form.tie_use_cofinance.data,
        message=_("The rubric settings are saved."),
    ):
        return redirect(url_for("reviews.rubric", code=call.code))
    return render_template(
        "reviews/rubric.html",
        call=call,
        rubric=operations.rubric_of(call),
        form=form,
        locked=operations.rubric_locked(call.id),
        action_form=ActionForm(),
    )


def _criterion(call, criterion_id: int) -> Criterion:
    rubric = operations.rubric_of(call)
    criterion = db.session.get(Criterion, criterion_id)
    if rubric is None or criterion is None or criterion.rubric_id != rubric.id:
        abort(404)
    return criterion


def _criterion_data(form: CriterionForm) -> dict:
    return {name: form[name].data for name in operations.CRITERION_FIELDS if name in form._fields}


@bp.route("/calls/<code>/rubric/criteria/new", methods=["GET", "POST"])
@login_required
def criterion_new(code: str):
    call = managed_call(code)
    form = CriterionForm()
    if form.validate_on_submit() and run(
        form,
        operations.save_criterion,
        call,
        current_user,
        _criterion_data(form),
        message=_("The criterion is added."),
    ):
        return redirect(url_for("reviews.rubric", code=call.code))
    return render_template("reviews/criterion_form.html", call=call, form=form, criterion=None)


@bp.route("/calls/<code>/rubric/criteria/<int:criterion_id>", methods=["GET", "POST"])
@login_required
def criterion_edit(code: str, criterion_id: int):
    call = managed_call(code)
    criterion = _criterion(call, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit() and run(
        form,
        operations.save_criterion,
        call,
        current_user,
        _criterion_data(form),
        criterion,
        message=_("The criterion is saved."),
    ):
        return redirect(url_for("reviews.rubric", code=call.code))
    return render_template("reviews/criterion_form.html", call=call, form=form, criterion=criterion)


@bp.post("/calls/<code>/rubric/criteria/<int:criterion_id>/delete")
@login_required
def criterion_delete(code: str, criterion_id: int):
    call = managed_call(code)
    criterion = _criterion(call, criterion_id)
    if ActionForm().validate_on_submit():
        run_action(
            operations.remove_criterion,
            call,
            current_user,
            criterion,
            message=_("The criterion is removed."),
        )
    return redirect(url_for("reviews.rubric", code=call.code))


# Panel -------------------------------------------------------------------------------------------
def _panel_page(call, panel, settings=None, add=None, invite=None, code: int = 200):
    settings = settings or PanelForm(obj=panel)
    settings.set_members(panel.members if panel else [])
    if panel is not None and not settings.is_submitted():
        settings.chair_id.data = panel.chair_id or 0
    add = add or AddMemberForm()
    add.user_id.choices = choice_list(
        (u.id, f"{u.full_name} <{u.email}>") for u in operations.reviewer_candidates(panel)
    )
    return (
        render_template(
            "reviews/panel.html",
            call=call,
            panel=panel,
            settings=settings,
            add=add,
            invite=invite or InviteExpertForm(),
            action_form=ActionForm(),
        ),
        code,
    )


@bp.route("/calls/<code>/panel", methods=["GET", "POST"])
@login_required
def panel(code: str):
    call = managed_call(code)
    panel = operations.panel_of(call)
    form = PanelForm(obj=panel)
    form.set_members(panel.members if panel else [])
    if form.validate_on_submit() and run(
        form,
        operations.update_panel,
        call,
        current_user,
        reviewers_per_application=form.reviewers_per_application.data,
        blind=form.blind.data,
        show_scores_after_submit=form.show_scores_after_submit.data,
        chair_id=form.chair_id.data or None,
        reviews_due=form.reviews_due.data,
        message=_("The panel settings are saved."),
    ):
        return redirect(url_for("reviews.panel", code=call.code))
    return _panel_page(call, operations.panel_of(call), settings=form)


@bp.post("/calls/<code>/panel/members")
@login_required
def panel_add(code: str):
    call = managed_call(code)
    panel = operations.panel_of(call)
    form = AddMemberForm()
    form.user_id.choices = choice_list(
        (u.id, u.full_name) for u in operations.reviewer_candidates(panel)
    )
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        if run(
            form,
            operations.add_member,
            call,
            current_user,
            user,
            message=_("The reviewer is on the panel."),
        ):
            return redirect(url_for("reviews.panel", code=call.code))
    return _panel_page(call, operations.panel_of(call), add=form, code=422)


@bp.post("/calls/<code>/panel/invite")
@login_required
def panel_invite(code: str):
    call = managed_call(code)
    # Step-up (issue 17): inviting an expert gives (or adds) the reviewer role.
    if refusal := step_up.confirm_first(back=url_for("reviews.panel", code=call.code)):
        return refusal
    form = InviteExpertForm()
    if form.validate_on_submit() and run(
        form,
        operations.invite_expert,
        call,
        current_user,
        full_name=form.full_name.data,
        email=form.email.data,
        locale=form.locale.data,
        message=_("The expert is invited and on the panel."),
    ):
        return redirect(url_for("reviews.panel", code=call.code))
    return _panel_page(call, operations.panel_of(call), invite=form, code=422)


@bp.post("/calls/<code>/panel/members/<int:member_id>/remove")
@login_required
def panel_remove(code: str, member_id: int):
    call = managed_call(code)
    panel = operations.panel_of(call)
    member = db.session.get(PanelMember, member_id)
    if panel is None or member is None or member.panel_id != panel.id:
        abort(404)
    if ActionForm().validate_on_submit():
        run_action(
            operations.remove_member,
            call,
            current_user,
            member,
            message=_("The reviewer is no longer on the panel."),
        )
    return redirect(url_for("reviews.panel", code=call.code))
