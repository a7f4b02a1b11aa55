"""Disbursements (finance officers only: append-only, a resubmission records once), reversing
entries, advances, and co-finance contributions (reported by the grantee, verified by finance).
Forms are run by ``portal.core.views.run`` (buttons by ``run_action``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import step_up
from portal.core.forms import choice_list
from portal.core.views import require, run, run_action
from portal.finance import cofinance, forms, ledger, operations, permissions
from portal.finance.rates import parse_rate
from portal.finance.views import (
    bp,
    flash_refusal,
    grant_context,
    refund_form_for,
    request_context,
    visible_award,
    visible_contribution,
    visible_disbursement,
    visible_request,
)


def entry_of(form) -> ledger.Entry:
    rate = parse_rate(form.exchange_rate.data, field="exchange_rate")
    note = getattr(form, "note", None)
    return ledger.Entry(
        note=(note.data or "").strip() if note is not None else "",
        paid_on=form.paid_on.data,
        amount=form.amount.data,
        currency=form.currency.data,
        bank_reference=form.bank_reference.data or "",
        clabe=form.clabe.data or "",
        idempotency_key=form.idempotency_key.data,
        exchange_rate=rate,
        rate_source=form.rate_source.data or None,
    )


def _recorded(created: bool) -> None:
    if created:
        flash(_("Disbursement recorded."), "success")
    else:
        flash(
            _("This form was already submitted: the disbursement was recorded once (below)."),
            "info",
        )


def _pay(payment_request, form):
    """Read the entry inside the operation: a bad exchange rate is a refusal like any other."""
    return operations.pay_request(payment_request, current_user, entry_of(form))


def _advance(award, form):
    return operations.record_advance(award, current_user, entry_of(form))


@bp.route("/requests/<int:request_id>/disburse", methods=["POST"])
@login_required
def disburse(request_id: int):
    payment_request = visible_request(request_id)
    require(permissions.is_finance(current_user))
    # Step-up (issue 17): recording a disbursement asks for the second factor again.
    if refusal := step_up.confirm_first(back=url_for("finance.request", request_id=request_id)):
        return refusal
    form = forms.DisbursementForm()
    if form.validate_on_submit():
        done = run(form, _pay, payment_request, form)
        if done:
            _recorded(done[1])
            return redirect(url_for("finance.request", request_id=request_id))
        flash_refusal(form)
    context = request_context(payment_request, disbursement_form=form)
    return render_template("finance/request.html", **context)


@bp.route("/grants/<int:award_id>/advance", methods=["POST"])
@login_required
def advance(award_id: int):
    award = visible_award(award_id)
    require(permissions.is_finance(current_user))
    # Step-up (issue 17): an advance is a disbursement too.
    if refusal := step_up.confirm_first(back=url_for("finance.grant", award_id=award_id)):
        return refusal
    form = forms.DisbursementForm(prefix="advance")
    if form.validate_on_submit():
        done = run(form, _advance, award, form)
        if done:
            _recorded(done[1])
            return redirect(url_for("finance.grant", award_id=award_id))
        flash_refusal(form)
    return render_template("finance/grant.html", **grant_context(award, advance_form=form))


def _refund(award, form):
    return operations.record_refund(
        award, current_user, entry_of(form), advance_id=form.advance_id.data or None
    )


@bp.route("/grants/<int:award_id>/refund", methods=["POST"])
@login_required
def refund(award_id: int):
    """A finance officer records unspent funds returned by the grantee (its own entry)."""
    award = visible_award(award_id)
    require(permissions.is_finance(current_user))
    form = refund_form_for(award, formdata=True)
    if form.validate_on_submit():
        done = run(form, _refund, award, form)
        if done:
            if done[1]:
                flash(_("Refund recorded."), "success")
            else:
                flash(_("This form was already submitted: the refund was recorded once."), "info")
            return redirect(url_for("finance.grant", award_id=award_id))
        flash_refusal(form)
    return render_template("finance/grant.html", **grant_context(award, refund_form=form))


@bp.route("/disbursements/<int:disbursement_id>/reverse", methods=["POST"])
@login_required
def reverse(disbursement_id: int):
    original = visible_disbursement(disbursement_id)
    award = original.award_id
    require(permissions.is_finance(current_user))
    form = forms.ReversalForm(prefix=f"reverse{disbursement_id}")
    if form.validate_on_submit():
        if run(
            form,
            operations.reverse,
            original,
            current_user,
            paid_on=form.paid_on.data,
            bank_reference=form.bank_reference.data or "",
            note=form.note.data,
            key=form.idempotency_key.data,
            message=_("Reversing entry recorded."),
        ):
            return redirect(url_for("finance.grant", award_id=award))
        flash_refusal(form)
    else:
        flash(_("Give the date and the reason of the reversal."), "danger")
    # The grant page again, this entry's form open with the messages on its fields.
    context = grant_context(visible_award(award), reversal_form=form, reversal_of=disbursement_id)
    return render_template("finance/grant.html", **context)


@bp.route("/grants/<int:award_id>/contributions", methods=["POST"])
@login_required
def report_contribution(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_prepare(award, current_user))
    form = forms.ContributionForm(prefix="contribution")
    form.commitment_id.choices = choice_list(
        [(0, "—"), *((c.id, c.contributor_name) for c in award.commitments)]
    )
    if form.validate_on_submit():
        if run(
            form,
            cofinance.report,
            award,
            current_user,
            commitment_id=form.commitment_id.data or None,
            contributor_name=form.contributor_name.data,
            nature=form.nature.data,
            counts_as=form.counts_as.data,
            amount=form.amount.data,
            valuation_basis=form.valuation_basis.data,
            contributed_on=form.contributed_on.data,
            description=form.description.data,
            message=_("Contribution reported: add its evidence; a finance officer will verify it."),
        ):
            return redirect(url_for("finance.grant", award_id=award_id))
        flash_refusal(form)
    return render_template("finance/grant.html", **grant_context(award, contribution_form=form))


@bp.route("/contributions/<int:contribution_id>/verify", methods=["POST"])
@login_required
def verify_contribution(contribution_id: int):
    contribution = visible_contribution(contribution_id)
    require(permissions.is_finance(current_user))
    form = forms.VerifyForm(prefix=f"verify{contribution_id}")
    if form.validate_on_submit():
        run_action(
            cofinance.verify,
            contribution,
            current_user,
            decision=form.decision.data,
            reason=form.reason.data,
            message=_("Contribution verified.")
            if form.decision.data == "verify"
            else _("Contribution rejected."),
        )
    else:
        flash(_("Choose a decision."), "danger")
    return redirect(url_for("finance.grant", award_id=contribution.award_id))
