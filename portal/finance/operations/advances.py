"""Advances: paid ahead of the milestones within the award's advance limit, and liquidated
against each milestone as its payment is approved (oldest advance first)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.i18n import format_money
from portal.finance import ledger, permissions
from portal.finance.constants import Kind
from portal.finance.models import AdvanceLiquidation, Disbursement
from portal.finance.operations.common import org
from portal.finance.operations.entries import check_payment_date, entry_changes, ledger_refused


def advances_allowed(award) -> bool:
    """Advances are a term of the award: allowed up to ``Award.advance_limit`` (NULL: none)."""
    return bool(award.advance_limit)


def advanced_total(award_id: int) -> Decimal:
    """Net total paid in advances (a reversed advance no longer counts, refunds against an
    advance are deducted from it)."""
    return sum(
        (a.award_amount - ledger.refunded_from(a.id) for a in _live_advances(award_id)),
        Decimal("0"),
    )


def _live_advances(award_id: int) -> list[Disbursement]:
    return ledger.live_advances(award_id)


def outstanding_advance(award_id: int) -> Decimal:
    """Advances not yet liquidated nor refunded."""
    return ledger.outstanding_advances(award_id)


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
    refuse_if_closed(award)
    if not permissions.is_active(award):
        raise InputError({"": [_l("Payments are made only under an agreement in force.")]})
    if not advances_allowed(award):
        raise InputError({"": [_l("This grant's terms do not allow advances.")]})
    check_payment_date(award, entry.paid_on)

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
        raise ledger_refused(exc) from exc
    if created:
        record(
            "disbursement.advance_recorded",
            row,
            changes=entry_changes(row),
            organisation_id=org(award),
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
        available = ledger.advance_balance(advance)
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
            organisation_id=org(award),
        )
    return applied
