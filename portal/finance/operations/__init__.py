"""Payment requests and their approval chain, disbursements, advances (business logic: validate,
change state, audit, flush; never commit). The moves of a request are the table
``portal.finance.states.PAYMENT_REQUEST``:

draft / changes_requested --submit (signatory certifies)--> submitted
submitted --grants manager--> deliverable_approved | changes_requested | rejected
deliverable_approved --finance officer--> payment_approved
payment_approved --disbursements reach the approved amount--> paid (a reversal moves it back)

Split by topic: ``requests`` (prepare and submit), ``approvals`` (the deliverable and the
payment, settling), ``disbursements`` (payments, reversals), ``advances``, ``entries`` (what every
ledger entry shares: its date rule), ``refunds`` (unspent funds returned).
"""

from portal.finance.deadlines import today
from portal.finance.operations.advances import (
    advanced_total,
    advances_allowed,
    liquidate_advances,
    outstanding_advance,
    record_advance,
    unpaid_milestones,
)
from portal.finance.operations.approvals import (
    approve_payment,
    decide_deliverable,
    settle,
)
from portal.finance.operations.disbursements import pay_request, reverse
from portal.finance.operations.entries import payment_date_problems
from portal.finance.operations.refunds import record_refund, refundable_advances
from portal.finance.operations.requests import (
    DUPLICATE_UUID,
    add_expense,
    attach_cfdi,
    create_request,
    requested_on,
    submit_request,
)

__all__ = [
    "DUPLICATE_UUID",
    "add_expense",
    "advanced_total",
    "advances_allowed",
    "approve_payment",
    "attach_cfdi",
    "create_request",
    "decide_deliverable",
    "liquidate_advances",
    "outstanding_advance",
    "pay_request",
    "payment_date_problems",
    "record_advance",
    "record_refund",
    "refundable_advances",
    "requested_on",
    "reverse",
    "settle",
    "submit_request",
    "today",  # tests pin "today" here (payment_date_problems reads it from this package)
    "unpaid_milestones",
]
