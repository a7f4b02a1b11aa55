"""Disbursements against an approved payment request, and reversing entries (append-only
ledger, ``portal.finance.ledger``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import ledger, notifications
from portal.finance.constants import RequestStatus
from portal.finance.models import Disbursement, PaymentRequest
from portal.finance.operations.approvals import settle
from portal.finance.operations.common import org
from portal.finance.operations.entries import check_payment_date, entry_changes, ledger_refused


def pay_request(request, actor, entry: ledger.Entry) -> tuple[Disbursement, bool]:
    refuse_if_closed(request.award)
    if request.status not in (RequestStatus.PAYMENT_APPROVED.value, RequestStatus.PAID.value):
        raise InputError({"": [_l("Only approved payments are disbursed.")]})
    check_payment_date(request.award, entry.paid_on)
    try:
        row, created = ledger.record(
            request.award_id, entry, actor, milestone_id=request.milestone_id, request=request
        )
    except ledger.LedgerError as exc:
        raise ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.recorded",
            row,
            changes=entry_changes(row),
            organisation_id=org(request.award),
        )
        settle(request)
        notifications.disbursed(request, row)
    return row, created


def reverse(original: Disbursement, actor, *, paid_on, bank_reference: str, note: str, key: str):
    from portal.awards.models import Award

    award = db.session.get(Award, original.award_id)
    refuse_if_closed(award)
    check_payment_date(award, paid_on, reverses=original)
    try:
        row, created = ledger.reverse(
            original, actor, paid_on=paid_on, bank_reference=bank_reference, note=note, key=key
        )
    except ledger.LedgerError as exc:
        raise ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.reversed",
            row,
            changes=entry_changes(row),
            organisation_id=award.organisation_id,
        )
        if row.request_id:
            settle(db.session.get(PaymentRequest, row.request_id))
    return row, created
