"""Preparing a payment request (grantee): create it, list expenses, attach CFDI invoices, then
certify and submit it (the organisation's designated signatory)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.applications.constants import BudgetCategory
from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_money
from portal.finance import cfdi as cfdi_mod
from portal.finance import notifications, permissions
from portal.finance.constants import (
    CERTIFICATION_SOURCE,
    EDITABLE_REQUEST,
    OPEN_REQUEST,
    RequestStatus,
)
from portal.finance.models import Cfdi, ExpenseLine, PaymentRequest
from portal.finance.operations.common import milestone_follows, org, refuse_unless
from portal.finance.states import PAYMENT_REQUEST

CATEGORIES = {c.value for c in BudgetCategory}
NOT_EDITABLE = _l("This request was submitted: it can no longer be changed.")


def requested_on(milestone_id: int, exclude: int | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(PaymentRequest.amount), 0)).where(
        PaymentRequest.milestone_id == milestone_id, PaymentRequest.status.in_(OPEN_REQUEST)
    )
    if exclude is not None:
        query = query.where(PaymentRequest.id != exclude)
    return Decimal(db.session.scalar(query))


def _check_amount(milestone, amount, exclude=None) -> list:
    if amount is None or amount <= 0:
        return [_l("The amount must be greater than zero.")]
    left = milestone.amount - requested_on(milestone.id, exclude)
    if amount > left:
        return [
            _l(
                "At most %(left)s of this milestone can still be requested.",
                left=format_money(left, milestone.currency),
            )
        ]
    return []


def create_request(
    award, actor, *, milestone_id: int, narrative: str, amount: Decimal
) -> PaymentRequest:
    refuse_if_closed(award)
    if not permissions.is_active(award):
        raise InputError({"": [_l("Payments are requested only under an agreement in force.")]})
    milestone = next((m for m in award.milestones if m.id == milestone_id), None)
    errors = {
        "milestone_id": [] if milestone else [_l("Choose a milestone of this grant.")],
        "narrative": []
        if (narrative or "").strip()
        else [_l("Describe the deliverable and its evidence.")],
    }
    if milestone is not None:
        errors["amount"] = _check_amount(milestone, amount)
    raise_if(errors)
    request = PaymentRequest(
        award_id=award.id,
        milestone_id=milestone.id,
        narrative=narrative.strip(),
        amount=amount,
        currency=award.currency,
        created_by_id=actor.id,
        status=RequestStatus.DRAFT.value,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "payment_request.created",
        request,
        changes={"amount": amount, "milestone": milestone.id},
        organisation_id=org(award),
    )
    return request


def _require_editable(request) -> None:
    refuse_if_closed(request.award)
    if request.status not in EDITABLE_REQUEST:
        raise InputError({"": [NOT_EDITABLE]})


def add_expense(
    request, actor, *, category: str, description: str, amount: Decimal, receipt_document_id=None
) -> ExpenseLine:
    _require_editable(request)
    raise_if(
        {
            "category": [] if category in CATEGORIES else [_l("Choose a budget category.")],
            "description": [] if (description or "").strip() else [_l("Describe the expense.")],
            "amount": []
            if amount and amount > 0
            else [_l("The amount must be greater than zero.")],
        }
    )
    line = ExpenseLine(
        request_id=request.id,
        category=category.strip(),
        description=description.strip(),
        amount=amount,
        receipt_document_id=receipt_document_id,
    )
    db.session.add(line)
    db.session.flush()
    record(
        "payment_request.expense_added",
        request,
        changes={"category": line.category, "amount": amount},
        organisation_id=org(request.award),
    )
    return line


DUPLICATE_UUID = _l(
    "This CFDI (UUID %(uuid)s) was already used in a payment request: an invoice supports "
    "one claim only."
)


def attach_cfdi(request, actor, data: bytes) -> Cfdi:
    """Parse and store an invoice; refuse one whose UUID supports any other claim."""
    _require_editable(request)
    try:
        parsed = cfdi_mod.parse(data)
    except cfdi_mod.CfdiError as exc:
        raise InputError({"xml": [exc.message]}) from exc
    duplicate = {"xml": [DUPLICATE_UUID % {"uuid": parsed.uuid}]}
    if db.session.scalar(select(Cfdi.id).filter_by(uuid=parsed.uuid)) is not None:
        raise InputError(duplicate)
    row = Cfdi(
        request_id=request.id,
        uuid=parsed.uuid,
        issuer_rfc=parsed.issuer_rfc,
        receiver_rfc=parsed.receiver_rfc,
        total=parsed.total,
        currency=parsed.currency[:3],
        issued_dt=parsed.issued_dt,
        xml=parsed.xml,
        created_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():  # a concurrent claim of the same invoice
            db.session.add(row)
            db.session.flush()
    except IntegrityError as exc:
        raise InputError(duplicate) from exc
    record(
        "payment_request.cfdi_attached",
        request,
        changes={"uuid": parsed.uuid, "total": parsed.total},
        organisation_id=org(request.award),
    )
    return row


def _attach_receipts(request) -> bool:
    """Link each expense to the receipt version being certified; False if one is missing."""
    from portal.documents.operations import latest

    complete = True
    for line in request.expenses:
        receipt = latest("payment_request", request.id, f"receipt_{line.id}")
        complete = complete and receipt is not None
        line.receipt_document_id = receipt.id if receipt is not None else None
    return complete


def _normal(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def submit_request(request, actor, *, certified: bool, typed_name: str) -> None:
    refuse_if_closed(request.award)
    refuse_unless(request, "submit", NOT_EDITABLE)
    award = request.award
    errors: dict = {}
    if not permissions.can_certify(award, actor):
        errors[""] = [
            _l("Only the organisation's designated signatory certifies a payment request.")
        ]
    if not certified:
        errors["certified"] = [_l("Tick the certification to submit the request.")]
    if not (typed_name or "").strip() or _normal(typed_name) != _normal(actor.full_name):
        errors["typed_name"] = [
            _l("Type your full name exactly as in your account: %(name)s.", name=actor.full_name)
        ]
    if award.instrument == "cost_reimbursable" and request.expenses_total < request.amount:
        errors["amount"] = [
            _l("A cost-reimbursable request lists expenses at least equal to the amount requested.")
        ]
    if award.instrument == "cost_reimbursable" and not _attach_receipts(request):
        errors["receipts"] = [_l("Upload the receipt of every expense before submitting.")]
    errors.setdefault("amount", []).extend(
        _check_amount(request.milestone, request.amount, exclude=request.id)
    )
    raise_if(errors)
    request.certification_text = CERTIFICATION_SOURCE
    request.certified_name = " ".join(typed_name.split())
    request.certified_by_id = actor.id
    request.certified_dt = now_utc()
    PAYMENT_REQUEST.move(
        request,
        "submit",
        changes={"certified_name": request.certified_name},
        organisation_id=org(award),
    )
    milestone_follows(request.milestone, "submit")
    db.session.flush()
    notifications.request_submitted(request)
