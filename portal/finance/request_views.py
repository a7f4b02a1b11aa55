"""Payment request actions: create, expenses, CFDI, certify and submit (grantee); verify the
deliverable (grants manager); approve the payment (finance officer).

Each posts a form to ``portal.core.views.run``: on success a redirect to the request, on a
refusal the page again with the messages on the form (and the first one flashed)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import step_up
from portal.core.forms import choice_list
from portal.core.views import require, run
from portal.finance import forms, operations, permissions
from portal.finance.views import (
    bp,
    flash_refusal,
    grant_context,
    request_context,
    visible_award,
    visible_request,
)


def _to_request(payment_request):
    return redirect(url_for("finance.request", request_id=payment_request.id))


def _again(payment_request, form_name: str, form):
    """The request's page again with ``form`` as it was posted."""
    context = request_context(payment_request, **{form_name: form})
    return render_template("finance/request.html", **context)


@bp.route("/grants/<int:award_id>/requests", methods=["POST"])
@login_required
def create_request(award_id: int):
    award = visible_award(award_id)
    require(permissions.can_prepare(award, current_user))
    form = forms.RequestForm(prefix="request")
    form.milestone_id.choices = choice_list((m.id, m.deliverable) for m in award.milestones)
    if form.validate_on_submit():
        created = run(
            form,
            operations.create_request,
            award,
            current_user,
            milestone_id=form.milestone_id.data,
            narrative=form.narrative.data,
            amount=form.amount.data,
            message=_("Payment request saved as a draft: add evidence, then submit it."),
        )
        if created:
            return _to_request(created)
        flash_refusal(form)
    return render_template("finance/grant.html", **grant_context(award, request_form=form))


@bp.route("/requests/<int:request_id>/expenses", methods=["POST"])
@login_required
def add_expense(request_id: int):
    payment_request = visible_request(request_id)
    require(permissions.can_prepare(payment_request.award, current_user))
    form = forms.ExpenseForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.add_expense,
            payment_request,
            current_user,
            category=form.category.data,
            description=form.description.data,
            amount=form.amount.data,
            message=_("Expense added: attach its receipt below."),
        ):
            return _to_request(payment_request)
        flash_refusal(form)
    return _again(payment_request, "expense_form", form)


@bp.route("/requests/<int:request_id>/cfdi", methods=["POST"])
@login_required
def attach_cfdi(request_id: int):
    payment_request = visible_request(request_id)
    require(permissions.can_prepare(payment_request.award, current_user))
    form = forms.CfdiForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.attach_cfdi,
            payment_request,
            current_user,
            form.xml.data.read(600 * 1024),
            message=_("The CFDI was read and attached."),
        ):
            return _to_request(payment_request)
        flash_refusal(form)
    return _again(payment_request, "cfdi_form", form)


@bp.route("/requests/<int:request_id>/submit", methods=["POST"])
@login_required
def submit(request_id: int):
    payment_request = visible_request(request_id)
    award = payment_request.award
    require(
        permissions.can_prepare(award, current_user) or permissions.can_certify(award, current_user)
    )
    form = forms.SubmitForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.submit_request,
            payment_request,
            current_user,
            certified=form.certified.data,
            typed_name=form.typed_name.data,
            message=_("Payment request submitted: the grants manager will verify the deliverable."),
        ):
            return _to_request(payment_request)
        flash_refusal(form)
    return _again(payment_request, "submit_form", form)


@bp.route("/requests/<int:request_id>/deliverable", methods=["POST"])
@login_required
def decide_deliverable(request_id: int):
    payment_request = visible_request(request_id)
    require(permissions.can_manage(payment_request.award, current_user))
    form = forms.DeliverableForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.decide_deliverable,
            payment_request,
            current_user,
            decision=form.decision.data,
            comment=form.comment.data,
            message=_("Decision recorded."),
        ):
            return _to_request(payment_request)
        flash_refusal(form)
    return _again(payment_request, "deliverable_form", form)


@bp.route("/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve_payment(request_id: int):
    payment_request = visible_request(request_id)
    require(permissions.is_finance(current_user))
    # Step-up (issue 17): approving a payment asks for the second factor again when it is old.
    back = url_for("finance.request", request_id=payment_request.id)
    if refusal := step_up.confirm_first(back=back):
        return refusal
    form = forms.ApprovePaymentForm()
    if form.validate_on_submit():
        if run(
            form,
            operations.approve_payment,
            payment_request,
            current_user,
            amount=form.amount.data,
            comment=form.comment.data,
            message=_("Payment approved: record the disbursement once the transfer is made."),
        ):
            return _to_request(payment_request)
        flash_refusal(form)
    return _again(payment_request, "approve_form", form)
