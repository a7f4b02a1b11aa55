"""Blueprint ``finance``: the finance index, each grant's money page and payment requests.

Loaders (``visible_*``) answer 404 to whoever may not know a grant exists (other organisations,
reviewers); ``require`` answers 403 to people who see it but may not take the action (e.g. a
grants manager recording a disbursement). Forms are run by ``portal.core.views.run``. Actions
on requests are in ``request_views.py``, ledger and co-finance actions in ``ledger_views.py``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template
from flask import request as http_request
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.applications.constants import BudgetCategory
from portal.awards.amendments import operations as amendment_operations
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Award
from portal.core.db import db
from portal.core.forms import choice_list
from portal.core.pagination import DEFAULT_PER_PAGE, paginate, requested_page
from portal.core.text import as_id
from portal.core.views import require
from portal.finance import figures, forms, gates, grant_page, operations, permissions
from portal.finance.constants import Kind, RequestStatus
from portal.finance.documents import contribution_owner, request_owner
from portal.finance.models import CofinanceContribution, Disbursement, PaymentRequest
from portal.finance.my_grants import my_grants

bp = Blueprint("finance", __name__, url_prefix="/finance")


@bp.record_once
def _setup(state) -> None:
    from portal.finance import documents

    documents.register()


# Loaders ------------------------------------------------------------------------------------
def visible_award(award_id: int) -> Award:
    """The grant, for whoever may see its money page; 404 for everyone else."""
    award = grant_page.load_award(award_id)
    if award is None or not permissions.can_view(award, current_user):
        abort(404)
    return award


def visible_request(request_id: int) -> PaymentRequest:
    """A payment request of a grant the user may see; 404 otherwise."""
    request = db.session.get(PaymentRequest, request_id)
    if request is None or not permissions.can_view(request.award, current_user):
        abort(404)
    return request


def visible_disbursement(disbursement_id: int) -> Disbursement:
    """A ledger entry of a grant the user may see; 404 otherwise."""
    entry = db.session.get(Disbursement, disbursement_id)
    if entry is None:
        abort(404)
    visible_award(entry.award_id)
    return entry


def visible_contribution(contribution_id: int) -> CofinanceContribution:
    """A co-finance contribution of a grant the user may see; 404 otherwise."""
    contribution = db.session.get(CofinanceContribution, contribution_id)
    if contribution is None:
        abort(404)
    visible_award(contribution.award_id)
    return contribution


def flash_refusal(form) -> None:
    """After a refused operation (``core.views.run`` put its messages on ``form``): flash the
    first message too, since the page shown again may not show that form (closed, or gone
    with the new state)."""
    messages = [*form.form_errors, *(m for f in form for m in f.errors)]
    if messages:
        flash(str(messages[0]), "danger")


# Index --------------------------------------------------------------------------------------
def _visible_award_ids(user):
    """Finance officers and administrators see every grant (None); managers their
    programmes' (a SELECT of ids, so that no list of thousands is sent back to the database)."""
    from portal.accounts.roles import Role
    from portal.calls.models import programme_managers

    if user.has_role(Role.FINANCE_OFFICER, Role.ADMIN):
        return None
    return (
        select(Award.id)
        .join(programme_managers, programme_managers.c.programme_id == Award.programme_id)
        .where(programme_managers.c.user_id == user.id)
    )


PER_PAGE = DEFAULT_PER_PAGE  # each list of the index
WAITING = (
    RequestStatus.SUBMITTED.value,
    RequestStatus.DELIVERABLE_APPROVED.value,
    RequestStatus.PAYMENT_APPROVED.value,
)


@bp.route("/")
@login_required
def index():
    """The payment requests waiting and the grants in force, each list paged (``?queue=``,
    ``?page=``): at scale there are hundreds of requests and thousands of grants."""
    require(permissions.sees_index(current_user))
    visible = _visible_award_ids(current_user)
    in_force = select(Award.id).where(Award.status.in_(MONEY_STATUSES))
    if visible is not None:
        in_force = in_force.where(Award.id.in_(visible))
    queue = paginate(
        select(PaymentRequest)
        .where(PaymentRequest.status.in_(WAITING), PaymentRequest.award_id.in_(in_force))
        .options(*grant_page.queue_options())
        .order_by(PaymentRequest.certified_dt, PaymentRequest.id),
        as_id(http_request.args.get("queue")) or 1,
        PER_PAGE,
        scalars=True,
    )
    grants = figures.grant_figures_page(visible, requested_page(), PER_PAGE)
    return render_template("finance/index.html", grants=grants, queue=queue)


@bp.route("/mine")
@login_required
def mine():
    """Every award of the user's organisations, in every state the grantee may see."""
    return render_template("finance/mine.html", grants=my_grants(current_user))


# A grant's money page ------------------------------------------------------------------------
def grant_context(award: Award, **forms_) -> dict:
    request_form = forms_.get("request_form") or forms.RequestForm(prefix="request", formdata=None)
    request_form.milestone_id.choices = choice_list(
        (m.id, f"{number}. {m.deliverable[:80]}")
        for number, m in enumerate(award.milestones, start=1)
    )
    contribution_form = forms_.get("contribution_form") or forms.ContributionForm(
        prefix="contribution", formdata=None
    )
    contribution_form.commitment_id.choices = choice_list(
        [
            (0, "—"),
            *((c.id, f"{c.contributor_name} ({c.counts_as_label})") for c in award.commitments),
        ]
    )
    advance_form = forms_.get("advance_form") or forms.DisbursementForm(
        idempotency_key=forms.new_key(), currency=award.currency, prefix="advance", formdata=None
    )
    book = grant_page.load_ledger(award.id)
    refund_form = forms_.get("refund_form") or refund_form_for(award, advances=book)
    contributions = grant_page.load_contributions(award.id)
    return {
        "award": award,
        "application": award.application,
        "figures": grant_page.figures_of(award, book, contributions),
        "requests": grant_page.load_requests(award.id),
        "ledger": book.rows,
        "reversed_ids": book.reversed_ids,
        "contributions": contributions,
        "contribution_owner": contribution_owner,
        "request_form": request_form,
        "contribution_form": contribution_form,
        "advance_form": advance_form,
        "refund_form": refund_form,
        "refunded": book.refunded,
        "verify_forms": {
            c.id: forms.VerifyForm(prefix=f"verify{c.id}", formdata=None) for c in contributions
        },
        "reversal_forms": {
            d.id: forms_["reversal_form"]
            if d.id == forms_.get("reversal_of")
            else forms.ReversalForm(
                idempotency_key=forms.new_key(), prefix=f"reverse{d.id}", formdata=None
            )
            for d in book.rows
        },
        "DisbursementKind": Kind,
        "can_prepare": permissions.can_prepare(award, current_user),
        "is_finance": permissions.is_finance(current_user),
        "advances_allowed": operations.advances_allowed(award),
        "outstanding_advance": book.outstanding_advance,
        "advanced_total": book.advanced_total,
        **amendment_operations.section(award, current_user),
    }


def refund_form_for(award: Award, formdata=None, advances=None) -> forms.RefundForm:
    """The refund form with the grant's outstanding advances to choose from (``advances``: a
    ``grant_page.Ledger`` already loaded, else they are queried)."""
    if formdata is None:
        form = forms.RefundForm(
            idempotency_key=forms.new_key(), currency=award.currency, prefix="refund", formdata=None
        )
    else:
        form = forms.RefundForm(prefix="refund")
    form.advance_id.choices = choice_list(
        [
            (0, "—"),
            *(
                (a.id, f"#{a.id} · {a.paid_on.isoformat()} · {balance} {award.currency}")
                for a, balance in (
                    advances.refundable_advances
                    if advances is not None
                    else operations.refundable_advances(award)
                )
            ),
        ]
    )
    return form


@bp.route("/grants/<int:award_id>")
@login_required
def grant(award_id: int):
    award = visible_award(award_id)
    return render_template("finance/grant.html", **grant_context(award))


def request_context(request: PaymentRequest, **forms_) -> dict:
    from portal.documents.operations import listing
    from portal.finance import ledger

    award = request.award
    return {
        "request": request,
        "award": award,
        "category_labels": {c.value: c.label for c in BudgetCategory},
        "application": award.application,
        "documents": listing(request_owner(request)),
        "owner": request_owner(request),
        "expense_form": forms_.get("expense_form") or forms.ExpenseForm(formdata=None),
        "cfdi_form": forms_.get("cfdi_form") or forms.CfdiForm(formdata=None),
        "submit_form": forms_.get("submit_form") or forms.SubmitForm(formdata=None),
        "deliverable_form": forms_.get("deliverable_form") or forms.DeliverableForm(formdata=None),
        "approve_form": forms_.get("approve_form")
        or forms.ApprovePaymentForm(amount=request.amount, formdata=None),
        "disbursement_form": forms_.get("disbursement_form")
        or forms.DisbursementForm(
            idempotency_key=forms.new_key(), currency=award.currency, formdata=None
        ),
        "paid": ledger.paid_on_request(request.id),
        "held_reasons": gates.reasons_held(request)
        if request.status not in ("payment_approved", "paid", "rejected")
        else [],
        "liquidated": ledger.liquidated_on(request.milestone_id),
        "can_prepare": permissions.can_prepare(award, current_user),
        "can_certify": permissions.can_certify(award, current_user),
        "can_manage": permissions.can_manage(award, current_user),
        "is_finance": permissions.is_finance(current_user),
        "payments": db.session.scalars(
            select(Disbursement)
            .where(Disbursement.request_id == request.id)
            .order_by(Disbursement.id)
        ).all(),
    }


@bp.route("/requests/<int:request_id>")
@login_required
def request(request_id: int):
    payment_request = visible_request(request_id)
    return render_template("finance/request.html", **request_context(payment_request))


from portal.finance import ledger_views, request_views  # noqa: E402, F401 - registers routes
