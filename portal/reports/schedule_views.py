"""Staff edit an award's reporting schedule: change a report's period, due date and the
payment it gates; add a requirement; remove one the grantee has not started."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.awards.models import Award
from portal.core.db import db
from portal.core.views import require, run, run_action
from portal.reports import forms, operations, permissions
from portal.reports.schedule import reports_of
from portal.reports.views import bp, visible_report
from portal.reports.views_support import title


def _managed_award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not permissions.can_view(award, current_user):
        abort(404)
    require(permissions.can_manage(award, current_user))
    return award


def _row_form(report, formdata=None):
    form = forms.ScheduleForm(
        prefix=f"r{report.id}",
        formdata=formdata,
        data={
            "period_start": report.period_start,
            "period_end": report.period_end,
            "due_on": report.due_on,
            "gates_milestone_id": report.gates_milestone_id or 0,
        },
    )
    form.gates_milestone_id.choices = forms.milestone_choices(report.award)
    # The page explains due dates and gated payments once, above the rows.
    form.due_on.description = form.gates_milestone_id.description = ""
    return form


def _page(award, *, edited=None, add_form=None):
    reports = reports_of(award.id)
    if add_form is None:
        add_form = forms.AddReportForm(prefix="add", formdata=None)
        add_form.gates_milestone_id.choices = forms.milestone_choices(award)
    rows = [
        (
            r,
            title(r),
            edited if edited is not None and edited.meta_report_id == r.id else _row_form(r),
            operations.can_remove(r),
        )
        for r in reports
    ]
    return render_template(
        "reports/schedule.html",
        award=award,
        application=award.application,
        rows=rows,
        add_form=add_form,
    )


@bp.get("/grants/<int:award_id>/schedule")
@login_required
def schedule(award_id: int):
    return _page(_managed_award(award_id))


def _to_schedule(award):
    return redirect(url_for("reports.schedule", award_id=award.id))


@bp.post("/grants/<int:award_id>/schedule")
@login_required
def add_report(award_id: int):
    award = _managed_award(award_id)
    form = forms.AddReportForm(prefix="add")
    form.gates_milestone_id.choices = forms.milestone_choices(award)
    if form.validate_on_submit() and run(
        form,
        operations.add_report,
        award,
        current_user,
        kind=form.kind.data,
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        due_on=form.due_on.data,
        milestone_id=form.gates_milestone_id.data or None,
        message=_("Report added to the schedule."),
    ):
        return _to_schedule(award)
    return _page(award, add_form=form)


@bp.post("/<int:report_id>/schedule")
@login_required
def change_schedule(report_id: int):
    report = visible_report(report_id)
    award = _managed_award(report.award_id)
    form = forms.ScheduleForm(prefix=f"r{report.id}")
    form.gates_milestone_id.choices = forms.milestone_choices(award)
    form.meta_report_id = report.id
    if form.validate_on_submit() and run(
        form,
        operations.change_schedule,
        report,
        current_user,
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        due_on=form.due_on.data,
        milestone_id=form.gates_milestone_id.data or None,
        message=_("Schedule saved."),
    ):
        return _to_schedule(award)
    return _page(award, edited=form)


@bp.post("/<int:report_id>/remove")
@login_required
def remove_report(report_id: int):
    report = visible_report(report_id)
    award = _managed_award(report.award_id)
    run_action(
        operations.remove_report,
        report,
        current_user,
        message=_("Report removed from the schedule."),
    )
    return _to_schedule(award)
