"""Refunds of unspent funds: recorded by a finance officer as their own (negative) ledger entry
with the bank reference of the transfer received, never as an edit of a payment; one may settle
(part of) an outstanding advance (``portal.finance.ledger.refund`` holds the caps)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.errors import InputError
from portal.finance import ledger, permissions
from portal.finance.models import Disbursement
from portal.finance.operations.common import org
from portal.finance.operations.entries import check_payment_date, entry_changes, ledger_refused


def record_refund(
    award, actor, entry: ledger.Entry, *, advance_id: int | None = None
) -> tuple[Disbursement, bool]:
    refuse_if_closed(award)
    if not permissions.is_active(award):
        raise InputError({"": [_l("Refunds are recorded only on a grant in force.")]})
    if not permissions.is_finance(actor):
        raise InputError({"": [_l("Only a finance officer records a refund.")]})
    check_payment_date(award, entry.paid_on)
    try:
        row, created = ledger.refund(award.id, entry, actor, advance_id=advance_id)
    except ledger.LedgerError as exc:
        raise ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.refunded",
            row,
            changes={**entry_changes(row), "advance": row.advance_id},
            organisation_id=org(award),
        )
    return row, created


def refundable_advances(award) -> list[tuple[Disbursement, object]]:
    """The grant's advances with a balance still outstanding, with that balance."""
    found = []
    for advance in ledger.live_advances(award.id):
        balance = ledger.advance_balance(advance)
        if balance > 0:
            found.append((advance, balance))
    return found
