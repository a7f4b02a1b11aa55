"""Blueprint ``closeout``: a grant's closeout checklist (certify the final co-finance, confirm
the documents, close, reopen, the closeout letter) and a financial report's expenditure by
budget category.

Loaders answer 404 to whoever may not see the grant (other organisations, reviewers) and 403
to those who see it but may not take the action.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications.constants import BudgetCategory
from portal.awards.models import Award
from portal.closeout import checklist, expenditure, forms, operations, permissions
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.core.views import require, run, run_action
from portal.reports.models import GrantReport

bp = Blueprint("closeout", __name__, url_prefix="/closeout")


@bp.record_once
def _setup(state) -> None:
    from portal.closeout.setup import init_app

    init_app(state.app)


def visible_award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not permissions.can_view(award, current_user):
        abort(404)
    return award


def visible_report(report_id: int) -> GrantReport:
    report = db.session.get(GrantReport, report_id)
    if report is None or not permissions.can_view(report.award, current_user):
        abort(404)
    if not expenditure.is_financial(report):
        abort(404)
    return report


def _to_checklist(award_id: int):
    return redirect(url_for("closeout.checklist", award_id=award_id))


# The checklist --------------------------------------------------------------------------------
def checklist_context(award: Award, **forms_) -> dict:
    closeout = operations.closeout_of(award)
    found = checklist.checklist(award, closeout)
    manage = permissions.can_manage_closeout(award, current_user)
    return {
        "award": award,
        "application": award.application,
        "closeout": closeout,
        "checklist": found,
        "retention": closeout.records_retention_until
        if closeout and closeout.records_retention_until
        else checklist.retention_until(award),
        "reports": checklist.final_reports(award),
        "can_certify": permissions.can_certify(award, current_user),
        "manage": manage,
        "can_reopen": permissions.can_reopen(current_user),
        "close_problems": operations.close_problems(award, closeout)
        if manage and award.status == "active"
        else [],
        "certify_form": forms_.get("certify_form") or forms.CertifyForm(formdata=None),
        "confirm_form": forms.ConfirmForm(formdata=None),
        "reopen_form": forms_.get("reopen_form") or forms.ReopenForm(formdata=None),
    }


@bp.get("/grants/<int:award_id>", endpoint="checklist")
@login_required
def checklist_page(award_id: int):
    award = visible_award(award_id)
    return render_template("closeout/checklist.html", **checklist_context(award))


@bp.post("/grants/<int:award_id>/certify")
@login_required
def certify(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_certify(award, current_user))
    form = forms.CertifyForm()
    if form.validate_on_submit() and run(
        form,
        operations.certify_cofinance,
        award,
        current_user,
        certified=form.certified.data,
        typed_name=form.typed_name.data or "",
        message=_("Final co-finance certified."),
    ):
        return _to_checklist(award_id)
    return render_template("closeout/checklist.html", **checklist_context(award, certify_form=form))


@bp.post("/grants/<int:award_id>/documents")
@login_required
def confirm_documents(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_manage_closeout(award, current_user))
    if forms.ConfirmForm().validate_on_submit():
        run_action(
            operations.confirm_documents,
            award,
            current_user,
            message=_("Documents confirmed complete."),
        )
    return _to_checklist(award_id)


@bp.post("/grants/<int:award_id>/close")
@login_required
def close(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_manage_closeout(award, current_user))
    if forms.ConfirmForm().validate_on_submit():
        run_action(
            operations.close,
            award,
            current_user,
            message=_("The grant is closed: its records are read-only."),
        )
    return _to_checklist(award_id)


@bp.post("/grants/<int:award_id>/reopen")
@login_required
def reopen(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_reopen(current_user))
    form = forms.ReopenForm()
    if form.validate_on_submit() and run(
        form,
        operations.reopen,
        award,
        current_user,
        reason=form.reason.data,
        message=_("The grant is reopened."),
    ):
        return _to_checklist(award_id)
    return render_template("closeout/checklist.html", **checklist_context(award, reopen_form=form))


@bp.get("/grants/<int:award_id>/letter")
@records_read
@login_required
def letter(award_id: int):
    from portal.closeout import letter as letter_mod
    from portal.documents.models import Document
    from portal.documents.operations import download_response, record_download

    award = visible_award(award_id)
    closeout = operations.closeout_of(award)
    if closeout is None or closeout.letter_document_id is None:
        abort(404)
    document = db.session.get(Document, closeout.letter_document_id)
    if document is None or document.owner_type != letter_mod.OWNER_TYPE:
        abort(404)
    record_download(document)
    return download_response(document)


# The financial report's expenditure -----------------------------------------------------------
def _expenditure_form(report, formdata=None):
    form_class = forms.expenditure_form_class()
    if formdata is not None:
        return form_class()
    values = {e.category: e.amount for e in report.expenditures}
    notes = {f"note_{e.category}": e.note for e in report.expenditures}
    return form_class(formdata=None, **values, **notes)


@bp.route("/reports/<int:report_id>/expenditure", methods=["GET", "POST"], endpoint="expenditure")
@login_required
def expenditure_page(report_id: int):
    report = visible_report(report_id)
    editable = expenditure.can_edit(report, current_user)
    form = _expenditure_form(report)
    if request.method == "POST":
        require(editable)
        form = _expenditure_form(report, formdata=True)
        if form.validate_on_submit() and run(
            form,
            expenditure.save,
            report,
            current_user,
            {c.value: form[c.value].data for c in BudgetCategory},
            {c.value: form[f"note_{c.value}"].data for c in BudgetCategory},
            message=_("Expenditure saved."),
        ):
            return redirect(url_for("closeout.expenditure", report_id=report_id))
    return render_template(
        "closeout/expenditure.html",
        report=report,
        award=report.award,
        figures=expenditure.figures(report),
        form=form,
        editable=editable,
        staff=current_user.is_staff,
        categories=list(BudgetCategory),
    )
