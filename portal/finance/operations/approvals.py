"""The approval chain after submission: the grants manager verifies the deliverable, a finance
officer approves the payment, and the request is settled (paid) once disbursements and advances
liquidated on its milestone cover the approved amount."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.awards.closure import refuse_if_closed
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.finance import gates, ledger, notifications
from portal.finance.constants import RequestStatus
from portal.finance.operations.advances import liquidate_advances
from portal.finance.operations.common import milestone_follows, org, refuse_unless
from portal.finance.states import PAYMENT_REQUEST

# The grants manager's decision → the request's move and its milestone's.
DELIVERABLE_MOVES = {
    "approve": ("approve_deliverable", "approve"),
    "changes": ("request_changes", "return"),
    "reject": ("reject", "return"),
}


def decide_deliverable(request, actor, *, decision: str, comment: str) -> None:
    refuse_if_closed(request.award)
    refuse_unless(
        request,
        "approve_deliverable",
        _l("This request is not waiting for the deliverable's verification."),
    )
    if decision not in DELIVERABLE_MOVES:
        raise InputError({"decision": [_l("Choose a decision.")]})
    if decision != "approve" and not (comment or "").strip():
        raise InputError(
            {"comment": [_l("Explain what must change or why the request is rejected.")]}
        )
    action, milestone_action = DELIVERABLE_MOVES[decision]
    request.deliverable_by_id = actor.id
    request.deliverable_dt = now_utc()
    request.deliverable_comment = (comment or "").strip()
    PAYMENT_REQUEST.move(
        request,
        action,
        changes={"comment": request.deliverable_comment},
        organisation_id=org(request.award),
    )
    milestone_follows(request.milestone, milestone_action)
    db.session.flush()
    notifications.deliverable_decided(request)


def approve_payment(request, actor, *, amount: Decimal, comment: str) -> None:
    refuse_if_closed(request.award)
    refuse_unless(
        request, "approve_payment", _l("The deliverable must be approved before the payment.")
    )
    if held := gates.reasons_held(request):
        raise InputError({"": held})
    if amount is None or amount <= 0 or amount > request.amount:
        raise InputError(
            {"amount": [_l("The approved amount is between zero and the amount requested.")]}
        )
    request.approved_amount = amount
    request.payment_by_id = actor.id
    request.payment_dt = now_utc()
    request.payment_comment = (comment or "").strip()
    PAYMENT_REQUEST.move(
        request,
        "approve_payment",
        changes={"approved_amount": amount},
        organisation_id=org(request.award),
    )
    db.session.flush()
    liquidate_advances(request.award, request.milestone, actor)
    settle(request)
    notifications.payment_approved(request)


def settle(request) -> None:
    """Paid when disbursements plus advance liquidated on the milestone reach the approval; back
    to payment approved when a reversal leaves it short."""
    covered = ledger.paid_on_request(request.id) + ledger.liquidated_on(request.milestone_id)
    if request.status == RequestStatus.PAYMENT_APPROVED and covered >= request.approved_amount:
        PAYMENT_REQUEST.move(
            request, "settle", changes={"covered": covered}, organisation_id=org(request.award)
        )
        milestone_follows(request.milestone, "pay")
        db.session.flush()
    elif request.status == RequestStatus.PAID and covered < request.approved_amount:
        PAYMENT_REQUEST.move(request, "unsettle")
        milestone_follows(request.milestone, "unpay")
        db.session.flush()
