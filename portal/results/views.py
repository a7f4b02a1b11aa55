"""Blueprint ``results``: a programme's indicator catalogue, the indicators of a grant
(baseline and targets) and a progress report's values (entered by the grantee, verified or
questioned by staff).

Loaders answer 404 to whoever may not know the object exists and 403 to people who see it but
may not act; forms are run by ``portal.core.views.run``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.awards.models import Award
from portal.calls.models import Programme
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.forms import apply_errors
from portal.core.views import require, run, run_action
from portal.reports.models import GrantReport
from portal.results import actuals, operations, permissions
from portal.results.constants import ActualStatus, Dimension, categories, category_label
from portal.results.documents import evidence_of
from portal.results.forms import (
    ActualForm,
    AwardIndicatorForm,
    ButtonForm,
    IndicatorForm,
    QuestionForm,
)
from portal.results.models import AwardIndicator, Indicator, IndicatorActual

bp = Blueprint("results", __name__, url_prefix="/results")


@bp.record_once
def _setup(state) -> None:
    from portal.results import setup

    setup.init_app(state.app)


# Loaders ------------------------------------------------------------------------------------
def _programme(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or not permissions.can_view_catalogue(programme, current_user):
        abort(404)
    return programme


def _indicator(indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        abort(404)
    programme = _programme(indicator.programme_id)
    require(permissions.can_edit_catalogue(programme, current_user))
    return indicator


def _award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not permissions.can_view_award(award, current_user):
        abort(404)
    return award


def _award_indicator(item_id: int) -> AwardIndicator:
    item = db.session.get(AwardIndicator, item_id)
    if item is None:
        abort(404)
    require(permissions.can_set_indicators(_award(item.award_id), current_user))
    return item


def _report(report_id: int) -> GrantReport:
    report = db.session.get(GrantReport, report_id)
    if report is None or not permissions.can_view_award(report.award, current_user):
        abort(404)
    if not report.kind_enum.carries_results:
        abort(404)
    return report


def _actual(actual_id: int) -> IndicatorActual:
    actual = db.session.get(IndicatorActual, actual_id)
    if actual is None:
        abort(404)
    report = _report(actual.report_id)
    require(permissions.can_review_actuals(report, current_user))
    return actual


def _run_keeping(form, operation, *args, message: str):
    """Like ``core.views.run`` but also returns the refusal's messages keyed by name (the
    target and breakdown inputs are not fields of ``form``)."""
    try:
        result = operation(*args)
    except InputError as refused:
        unit_of_work.discard()
        apply_errors(form, refused.errors)
        return None, refused.errors
    flash(message, "success")
    return result or True, {}


# Catalogue ----------------------------------------------------------------------------------
@bp.get("/programmes/<int:programme_id>/indicators")
@login_required
def catalogue(programme_id: int):
    programme = _programme(programme_id)
    return render_template(
        "results/catalogue.html",
        programme=programme,
        indicators=operations.indicators_of(programme.id),
        can_edit=permissions.can_edit_catalogue(programme, current_user),
        button=ButtonForm(),
        Dimension=Dimension,
    )


@bp.route("/programmes/<int:programme_id>/indicators/new", methods=["GET", "POST"])
@login_required
def indicator_new(programme_id: int):
    programme = _programme(programme_id)
    require(permissions.can_edit_catalogue(programme, current_user))
    form = IndicatorForm()
    if form.validate_on_submit() and run(
        form,
        operations.create_indicator,
        programme,
        current_user,
        form.to_data(),
        message=_("Indicator added."),
    ):
        return redirect(url_for("results.catalogue", programme_id=programme.id))
    return render_template(
        "results/indicator_form.html", form=form, programme=programme, indicator=None
    )


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def indicator_edit(indicator_id: int):
    indicator = _indicator(indicator_id)
    form = IndicatorForm(obj=indicator)
    if form.validate_on_submit() and run(
        form,
        operations.update_indicator,
        indicator,
        current_user,
        form.to_data(),
        message=_("Indicator saved."),
    ):
        return redirect(url_for("results.catalogue", programme_id=indicator.programme_id))
    return render_template(
        "results/indicator_form.html",
        form=form,
        programme=db.session.get(Programme, indicator.programme_id),
        indicator=indicator,
    )


@bp.post("/indicators/<int:indicator_id>/active")
@login_required
def indicator_active(indicator_id: int):
    indicator = _indicator(indicator_id)
    if ButtonForm().validate_on_submit():
        active = request.form.get("active") == "1"
        run_action(
            operations.set_active,
            indicator,
            current_user,
            active,
            message=_("Indicator reactivated.") if active else _("Indicator deactivated."),
        )
    return redirect(url_for("results.catalogue", programme_id=indicator.programme_id))


# A grant's indicators -----------------------------------------------------------------------
def _targets_from_form(reports) -> dict:
    return {r.id: request.form.get(f"target-{r.id}", "") for r in reports}


@bp.route("/grants/<int:award_id>/indicators", methods=["GET", "POST"])
@login_required
def award_indicators(award_id: int):
    award = _award(award_id)
    can_edit = permissions.can_set_indicators(award, current_user)
    reports = operations.result_reports(award.id)
    items = operations.award_indicators(award.id)
    chosen = {i.indicator_id for i in items}
    form = AwardIndicatorForm()
    form.indicator_id.choices = [
        (i.id, f"{i.code} · {i.name_es if _lang() == 'es' else i.name_en}")
        for i in operations.indicators_of(award.programme_id, active_only=True)
        if i.id not in chosen
    ]
    errors: dict = {}
    if request.method == "POST":
        require(can_edit)
        if form.validate_on_submit():
            done, errors = _run_keeping(
                form,
                operations.add_award_indicator,
                award,
                current_user,
                form.indicator_id.data,
                form.to_data(_targets_from_form(reports)),
                message=_("Indicator added to the grant."),
            )
            if done:
                return redirect(url_for("results.award_indicators", award_id=award.id))
    return render_template(
        "results/award_indicators.html",
        award=award,
        reports=reports,
        items=items,
        form=form,
        can_edit=can_edit,
        button=ButtonForm(),
        posted_targets=_targets_from_form(reports) if request.method == "POST" else {},
        target_errors=errors,
    )


@bp.route("/grant-indicators/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def award_indicator_edit(item_id: int):
    item = _award_indicator(item_id)
    reports = operations.result_reports(item.award_id)
    form = AwardIndicatorForm(
        obj=item,
        baseline_value=str(item.baseline_value) if item.baseline_value is not None else "",
    )
    del form.indicator_id
    errors: dict = {}
    if form.validate_on_submit():
        done, errors = _run_keeping(
            form,
            operations.update_award_indicator,
            item,
            current_user,
            form.to_data(_targets_from_form(reports)),
            message=_("Baseline and targets saved."),
        )
        if done:
            return redirect(url_for("results.award_indicators", award_id=item.award_id))
    targets = {r.id: request.form.get(f"target-{r.id}") for r in reports}
    if request.method == "GET":
        targets = {r.id: (t.value if (t := item.target_for(r.id)) else "") for r in reports}
    return render_template(
        "results/award_indicator_form.html",
        item=item,
        award=item.award,
        reports=reports,
        form=form,
        targets=targets,
        target_errors=errors,
    )


@bp.post("/grant-indicators/<int:item_id>/remove")
@login_required
def award_indicator_remove(item_id: int):
    item = _award_indicator(item_id)
    award_id = item.award_id
    if ButtonForm().validate_on_submit():
        run_action(
            operations.remove_award_indicator,
            item,
            current_user,
            message=_("Indicator removed from the grant."),
        )
    return redirect(url_for("results.award_indicators", award_id=award_id))


# A progress report's values ----------------------------------------------------------------
def _report_page(report: GrantReport, forms: dict | None = None, posted: dict | None = None):
    items = operations.award_indicators(report.award_id)
    forms = forms or {}
    for item in items:
        if item.id not in forms:
            actual = item.actual_for(report.id)
            forms[item.id] = ActualForm(
                formdata=None,
                prefix=f"ai{item.id}",
                value=str(actual.value.normalize()) if actual else "",
                evidence_note=actual.evidence_note if actual else "",
            )
    values = {}
    for item in items:
        actual = item.actual_for(report.id)
        for dimension in item.indicator.disaggregations:
            for category, _label in categories(dimension):
                name = actuals.breakdown_field(dimension, category)
                if posted is not None and posted.get("item") == item.id:
                    values[(item.id, name)] = posted["data"].get(name, "")
                elif actual is not None:
                    v = actual.breakdown_of(dimension).get(category)
                    values[(item.id, name)] = str(v.normalize()) if v is not None else ""
    actual_ids = [a.id for i in items if (a := i.actual_for(report.id)) is not None]
    return render_template(
        "results/report_results.html",
        with_evidence=evidence_of(actual_ids),
        report=report,
        award=report.award,
        items=items,
        forms=forms,
        values=values,
        errors=(posted or {}).get("errors", {}),
        error_item=(posted or {}).get("item"),
        can_enter=permissions.can_enter_actuals(report, current_user),
        can_review=permissions.can_review_actuals(report, current_user),
        under_review=report.status == "submitted",
        question_forms={
            item.id: QuestionForm(formdata=None, prefix=f"q{item.id}") for item in items
        },
        button=ButtonForm(),
        Dimension=Dimension,
        categories=categories,
        category_label=category_label,
        breakdown_field=actuals.breakdown_field,
        ActualStatus=ActualStatus,
    )


@bp.get("/reports/<int:report_id>")
@login_required
def report_results(report_id: int):
    return _report_page(_report(report_id))


@bp.post("/reports/<int:report_id>/indicators/<int:item_id>")
@login_required
def record_actual(report_id: int, item_id: int):
    report = _report(report_id)
    require(permissions.acts_for_grantee(report.award, current_user))
    item = db.session.get(AwardIndicator, item_id)
    if item is None or item.award_id != report.award_id:
        abort(404)
    form = ActualForm(prefix=f"ai{item.id}")
    data = {k: v for k, v in request.form.items() if k.startswith("b-")}
    data.update(value=form.value.data, evidence_note=form.evidence_note.data)
    errors: dict = {}
    if form.validate_on_submit():
        try:
            actuals.record_actual(report, item, current_user, data)
        except InputError as refused:
            unit_of_work.discard()
            errors = refused.errors
            apply_errors(form, {k: v for k, v in errors.items() if k in ("", "value")})
        else:
            flash(_("Value saved."), "success")
            return redirect(
                url_for("results.report_results", report_id=report.id) + f"#indicator-{item.id}"
            )
    posted = {"item": item.id, "data": data, "errors": errors}
    return _report_page(report, {item.id: form}, posted), 400


@bp.post("/actuals/<int:actual_id>/verify")
@login_required
def verify(actual_id: int):
    actual = _actual(actual_id)
    if ButtonForm().validate_on_submit():
        run_action(actuals.verify_actual, actual, current_user, message=_("Value verified."))
    return redirect(url_for("results.report_results", report_id=actual.report_id))


@bp.post("/actuals/<int:actual_id>/question")
@login_required
def question(actual_id: int):
    actual = _actual(actual_id)
    form = QuestionForm(prefix=f"q{actual.award_indicator_id}")
    if form.validate_on_submit():
        run_action(
            actuals.question_actual,
            actual,
            current_user,
            form.comment.data,
            message=_("Value questioned: the organisation will see your comment."),
        )
    return redirect(url_for("results.report_results", report_id=actual.report_id))


def _lang() -> str:
    from portal.core.i18n import current_language

    return current_language()
