"""Payment requests and their approval chain, disbursements, advances (business logic: validate,
change state, audit, flush; never commit). Allowed moves of a request:

draft / changes_requested --submit (signatory certifies)--> submitted
submitted --grants manager--> deliverable_approved | changes_requested | rejected
deliverable_approved --finance officer--> payment_approved
payment_approved --disbursements reach the approved amount--> paid (a reversal moves it back)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.applications.constants import BudgetCategory
from portal.audit.operations import record
from portal.awards.constants import MilestoneStatus
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import format_day, format_money
from portal.finance import cfdi as cfdi_mod
from portal.finance import ledger, notifications, permissions
from portal.finance.constants import (
    CERTIFICATION_SOURCE,
    EDITABLE_REQUEST,
    OPEN_REQUEST,
    Kind,
    RequestStatus,
)
from portal.finance.deadlines import today
from portal.finance.models import (
    AdvanceLiquidation,
    Cfdi,
    Disbursement,
    ExpenseLine,
    PaymentRequest,
)

S = RequestStatus
CATEGORIES = {c.value for c in BudgetCategory}


def raise_if(errors: dict) -> None:
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise InputError(errors)


def _org(award) -> int:
    return award.organisation_id


# Payment requests ----------------------------------------------------------------------------
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
        from portal.core.i18n import format_money

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
        status=S.DRAFT.value,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "payment_request.created",
        request,
        changes={"amount": amount, "milestone": milestone.id},
        organisation_id=_org(award),
    )
    return request


def _require_editable(request) -> None:
    if request.status not in EDITABLE_REQUEST:
        raise InputError({"": [_l("This request was submitted: it can no longer be changed.")]})


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
        organisation_id=_org(request.award),
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
        organisation_id=_org(request.award),
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
    _require_editable(request)
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
    request.status = S.SUBMITTED.value
    request.certification_text = CERTIFICATION_SOURCE
    request.certified_name = " ".join(typed_name.split())
    request.certified_by_id = actor.id
    request.certified_dt = now_utc()
    request.milestone.status = MilestoneStatus.SUBMITTED.value
    db.session.flush()
    record(
        "payment_request.submitted",
        request,
        changes={"certified_name": request.certified_name},
        organisation_id=_org(award),
    )
    notifications.request_submitted(request)


DELIVERABLE_MOVES = {
    "approve": (S.DELIVERABLE_APPROVED, "payment_request.deliverable_approved"),
    "changes": (S.CHANGES_REQUESTED, "payment_request.changes_requested"),
    "reject": (S.REJECTED, "payment_request.rejected"),
}


def decide_deliverable(request, actor, *, decision: str, comment: str) -> None:
    if request.status != S.SUBMITTED.value:
        raise InputError(
            {"": [_l("This request is not waiting for the deliverable's verification.")]}
        )
    if decision not in DELIVERABLE_MOVES:
        raise InputError({"decision": [_l("Choose a decision.")]})
    if decision != "approve" and not (comment or "").strip():
        raise InputError(
            {"comment": [_l("Explain what must change or why the request is rejected.")]}
        )
    status, action = DELIVERABLE_MOVES[decision]
    request.status = status.value
    request.deliverable_by_id = actor.id
    request.deliverable_dt = now_utc()
    request.deliverable_comment = (comment or "").strip()
    request.milestone.status = (
        MilestoneStatus.APPROVED.value if decision == "approve" else MilestoneStatus.PLANNED.value
    )
    db.session.flush()
    record(
        action,
        request,
        changes={"comment": request.deliverable_comment},
        organisation_id=_org(request.award),
    )
    notifications.deliverable_decided(request)


def approve_payment(request, actor, *, amount: Decimal, comment: str) -> None:
    if request.status != S.DELIVERABLE_APPROVED.value:
        raise InputError({"": [_l("The deliverable must be approved before the payment.")]})
    if amount is None or amount <= 0 or amount > request.amount:
        raise InputError(
            {"amount": [_l("The approved amount is between zero and the amount requested.")]}
        )
    request.status = S.PAYMENT_APPROVED.value
    request.approved_amount = amount
    request.payment_by_id = actor.id
    request.payment_dt = now_utc()
    request.payment_comment = (comment or "").strip()
    db.session.flush()
    record(
        "payment_request.payment_approved",
        request,
        changes={"approved_amount": amount},
        organisation_id=_org(request.award),
    )
    liquidate_advances(request.award, request.milestone, actor)
    _settle(request)
    notifications.payment_approved(request)


def _settle(request) -> None:
    """Paid when disbursements plus advance liquidated on the milestone reach the approval."""
    covered = ledger.paid_on_request(request.id) + ledger.liquidated_on(request.milestone_id)
    if request.status == S.PAYMENT_APPROVED.value and covered >= request.approved_amount:
        request.status = S.PAID.value
        request.milestone.status = MilestoneStatus.PAID.value
        db.session.flush()
        record(
            "payment_request.paid",
            request,
            changes={"covered": covered},
            organisation_id=_org(request.award),
        )
    elif request.status == S.PAID.value and covered < request.approved_amount:
        request.status = S.PAYMENT_APPROVED.value
        request.milestone.status = MilestoneStatus.APPROVED.value
        db.session.flush()


# Disbursements -------------------------------------------------------------------------------
def _ledger_refused(error: ledger.LedgerError) -> InputError:
    return InputError(error.errors)


def payment_date_problems(award, paid_on: date | None, *, reverses=None) -> list:
    """A ledger entry is dated from the grant's start date to today in the programme's time
    zone (``deadlines.today``): a future date would count as disbursed in a period that has not
    happened yet. A reversing entry is not dated before the entry it reverses."""
    if paid_on is None:
        return [_l("Enter the payment date.")]
    latest = today()
    if paid_on > latest:
        return [
            _l(
                "The payment date cannot be in the future: today is %(today)s.",
                today=format_day(latest),
            )
        ]
    if award.start_date and paid_on < award.start_date:
        return [
            _l(
                "The payment date cannot be before the grant's start date (%(start)s).",
                start=format_day(award.start_date),
            )
        ]
    if reverses is not None and paid_on < reverses.paid_on:
        return [
            _l(
                "A correction cannot be dated before the entry it reverses (%(date)s).",
                date=format_day(reverses.paid_on),
            )
        ]
    return []


def _check_payment_date(award, paid_on, **kwargs) -> None:
    raise_if({"paid_on": payment_date_problems(award, paid_on, **kwargs)})


def pay_request(request, actor, entry: ledger.Entry) -> tuple[Disbursement, bool]:
    if request.status not in (S.PAYMENT_APPROVED.value, S.PAID.value):
        raise InputError({"": [_l("Only approved payments are disbursed.")]})
    _check_payment_date(request.award, entry.paid_on)
    try:
        row, created = ledger.record(
            request.award_id, entry, actor, milestone_id=request.milestone_id, request=request
        )
    except ledger.LedgerError as exc:
        raise _ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.recorded",
            row,
            changes=_entry_changes(row),
            organisation_id=_org(request.award),
        )
        _settle(request)
        notifications.disbursed(request, row)
    return row, created


def _entry_changes(row: Disbursement) -> dict:
    return {
        "kind": row.kind,
        "amount": row.amount,
        "currency": row.currency,
        "award_amount": row.award_amount,
        "request": row.request_id,
        "reverses": row.reverses_id,
    }


def reverse(original: Disbursement, actor, *, paid_on, bank_reference: str, note: str, key: str):
    from portal.awards.models import Award

    award = db.session.get(Award, original.award_id)
    _check_payment_date(award, paid_on, reverses=original)
    try:
        row, created = ledger.reverse(
            original, actor, paid_on=paid_on, bank_reference=bank_reference, note=note, key=key
        )
    except ledger.LedgerError as exc:
        raise _ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.reversed",
            row,
            changes=_entry_changes(row),
            organisation_id=award.organisation_id,
        )
        if row.request_id:
            _settle(db.session.get(PaymentRequest, row.request_id))
    return row, created


# Advances ------------------------------------------------------------------------------------
def advances_allowed(award) -> bool:
    """Advances are a term of the award: allowed up to ``Award.advance_limit`` (NULL: none)."""
    return bool(award.advance_limit)


def advanced_total(award_id: int) -> Decimal:
    """Net total paid in advances (a reversed advance no longer counts)."""
    return sum((a.award_amount for a in _live_advances(award_id)), Decimal("0"))


def _live_advances(award_id: int) -> list[Disbursement]:
    reversed_ids = select(Disbursement.reverses_id).where(Disbursement.reverses_id.is_not(None))
    return list(
        db.session.scalars(
            select(Disbursement)
            .where(
                Disbursement.award_id == award_id,
                Disbursement.kind == Kind.ADVANCE.value,
                Disbursement.id.not_in(reversed_ids),
            )
            .order_by(Disbursement.id)
        )
    )


def outstanding_advance(award_id: int) -> Decimal:
    advances = _live_advances(award_id)
    return sum((a.award_amount - ledger._liquidated_from(a.id) for a in advances), Decimal("0"))


def unpaid_milestones(award) -> Decimal:
    return sum(
        (
            m.amount - ledger.paid_on_milestone(m.id) - ledger.liquidated_on(m.id)
            for m in award.milestones
        ),
        Decimal("0"),
    )


def record_advance(award, actor, entry: ledger.Entry) -> tuple[Disbursement, bool]:
    """Advances in all stay within the award's advance limit, and an advance never exceeds the
    milestones still to be paid (it is liquidated against them). Checked under the award lock."""
    if not permissions.is_active(award):
        raise InputError({"": [_l("Payments are made only under an agreement in force.")]})
    if not advances_allowed(award):
        raise InputError({"": [_l("This grant's terms do not allow advances.")]})
    _check_payment_date(award, entry.paid_on)

    def within_milestones(value: Decimal) -> None:
        if advanced_total(award.id) + value > award.advance_limit:
            raise ledger.LedgerError(
                {
                    "amount": [
                        _l(
                            "Advances in all cannot exceed the limit in the award's terms"
                            " (%(limit)s).",
                            limit=format_money(award.advance_limit, award.currency),
                        )
                    ]
                }
            )
        room = unpaid_milestones(award) - outstanding_advance(award.id)
        if value > room:
            raise ledger.LedgerError(
                {"amount": [_l("An advance cannot exceed the milestones still to be paid.")]}
            )

    try:
        row, created = ledger.record(
            award.id, entry, actor, kind=Kind.ADVANCE, extra_check=within_milestones
        )
    except ledger.LedgerError as exc:
        raise _ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.advance_recorded",
            row,
            changes=_entry_changes(row),
            organisation_id=_org(award),
        )
    return row, created


def liquidate_advances(award, milestone, actor) -> Decimal:
    """Settle outstanding advances against ``milestone`` (oldest first), up to its unpaid part,
    under the award's row lock."""
    ledger.lock_award(award.id)
    room = (
        milestone.amount
        - ledger.paid_on_milestone(milestone.id)
        - ledger.liquidated_on(milestone.id)
    )
    applied = Decimal("0")
    for advance in _live_advances(award.id):
        available = advance.award_amount - ledger._liquidated_from(advance.id)
        take = min(available, room - applied)
        if take <= 0:
            continue
        db.session.add(
            AdvanceLiquidation(
                advance_id=advance.id,
                milestone_id=milestone.id,
                amount=take,
                recorded_by_id=actor.id,
            )
        )
        applied += take
    if applied:
        db.session.flush()
        record(
            "disbursement.advance_liquidated",
            milestone,
            changes={"amount": applied},
            organisation_id=_org(award),
        )
    return applied
