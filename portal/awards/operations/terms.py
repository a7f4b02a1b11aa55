"""The award's terms: instrument, amount, dates, special conditions, advance, and the
co-finance commitments. They change until the grantee signs; changing them after an agreement
was issued withdraws that agreement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portal.audit.operations import diff, record
from portal.awards import budget_guard
from portal.awards.models import Award, CofinanceCommitment
from portal.awards.operations.decisions import budget_message, check_amount
from portal.awards.operations.queries import agreements_of, risk_of
from portal.awards.states import AGREEMENT, AWARD
from portal.calls.constants import Instrument
from portal.core.db import db, now_utc
from portal.core.errors import InputError


def require_editable(award: Award) -> None:
    """Refuse unless the terms may still change; withdraw an issued, unsigned agreement."""
    if not award.is_editable:
        raise InputError(
            {
                "": [
                    _(
                        "The terms can no longer change: the agreement was signed "
                        "or the award is not approved."
                    )
                ]
            }
        )
    _withdraw_unsigned_agreement(award)


def _withdraw_unsigned_agreement(award: Award) -> None:
    """Terms change after an agreement was issued: that agreement no longer says what the award
    says, so it is superseded before anyone can sign it, and must be issued again."""
    if not AWARD.can(award, "reopen"):
        return
    for agreement in agreements_of(award):
        if AGREEMENT.can(agreement, "withdraw"):
            AGREEMENT.move(
                agreement,
                "withdraw",
                changes={"status": ["issued", "superseded"], "reason": "terms changed"},
                organisation_id=award.organisation_id,
            )
    AWARD.move(award, "reopen")
    award.updated_dt = now_utc()


def update_terms(
    award: Award,
    actor,
    *,
    instrument: str,
    amount: Decimal,
    start_date: date | None,
    end_date: date | None,
    special_conditions: str,
    advance_limit: Decimal | None = None,
) -> None:
    require_editable(award)
    call = award.application.call
    errors = check_amount(call, amount, instrument)
    errors.update(_check_advance(award, advance_limit, amount, instrument))
    if not start_date:
        errors["start_date"] = [_("Enter the start date.")]
    if not end_date:
        errors["end_date"] = [_("Enter the end date.")]
    elif start_date and end_date <= start_date:
        errors["end_date"] = [_("The end date must be after the start date.")]
    if errors:
        raise InputError(errors)
    if amount != award.amount:
        try:
            budget_guard.lock_and_check(db.session, call.id, amount, exclude_award_id=award.id)
        except budget_guard.BudgetExceededError as error:
            raise InputError({"amount": [budget_message(error)]}) from None
    before = award.audit_fields()
    award.instrument = instrument
    award.amount = amount
    award.start_date = start_date
    award.end_date = end_date
    award.special_conditions = (special_conditions or "").strip()
    award.advance_limit = advance_limit or None
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.terms_updated",
        award,
        changes=diff(before, award.audit_fields()),
        organisation_id=award.organisation_id,
    )


def excludes_advances(award: Award) -> bool:
    """The accepted risk conditions include "no advance payment"."""
    assessment = risk_of(award)
    return bool(
        assessment
        and assessment.conditions_accepted
        and "no_advance" in (assessment.proposed_conditions or [])
    )


def _check_advance(award: Award, limit: Decimal | None, amount, instrument: str) -> dict:
    """An advance is a term of fixed amount awards only, within the award's amount, and never
    where the accepted risk conditions exclude it."""
    if not limit:
        return {}
    if limit < 0:
        return {"advance_limit": [_("Enter an amount greater than zero, or leave it empty.")]}
    if instrument != Instrument.FIXED_AMOUNT.value:
        return {"advance_limit": [_("Advances are paid only under a fixed amount award.")]}
    if amount is not None and limit > amount:
        return {"advance_limit": [_("The advance cannot exceed the amount of the award.")]}
    if excludes_advances(award):
        return {
            "advance_limit": [
                _("The accepted risk conditions exclude advances: leave the advance empty.")
            ]
        }
    return {}


def add_commitment(award: Award, actor, **values) -> CofinanceCommitment:
    require_editable(award)
    if values.get("amount") is None or values["amount"] <= 0:
        raise InputError({"amount": [_("Enter an amount greater than zero.")]})
    if values.get("nature") == "in_kind" and not (values.get("valuation_basis") or "").strip():
        raise InputError(
            {"valuation_basis": [_("Explain how the in-kind contribution is valued.")]}
        )
    commitment = CofinanceCommitment(
        position=len(award.commitments), contributor_type="other_donor", **values
    )
    award.commitments.append(commitment)
    db.session.flush()
    record(
        "award.commitment_added",
        award,
        changes={
            "contributor_name": commitment.contributor_name,
            "amount": commitment.amount,
            "counts_as": commitment.counts_as,
            "nature": commitment.nature,
        },
        organisation_id=award.organisation_id,
    )
    return commitment


def remove_commitment(award: Award, actor, commitment: CofinanceCommitment) -> None:
    require_editable(award)
    award.commitments.remove(commitment)
    db.session.flush()
    record(
        "award.commitment_removed",
        award,
        changes={"contributor_name": commitment.contributor_name, "amount": commitment.amount},
        organisation_id=award.organisation_id,
    )
