"""Co-finance contributions: reported by the grantee against the agreement's commitments,
verified or rejected (with reason) by a finance officer (``portal.finance.states.CONTRIBUTION``).
Only verified cost share counts toward the commitment; leverage is reported separately."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if
from portal.finance import notifications, permissions
from portal.finance.models import CofinanceContribution
from portal.finance.states import CONTRIBUTION


def report(
    award,
    actor,
    *,
    commitment_id: int | None,
    contributor_name: str,
    nature: str,
    counts_as: str,
    amount: Decimal,
    valuation_basis: str,
    contributed_on,
    description: str = "",
) -> CofinanceContribution:
    refuse_if_closed(award)
    if not permissions.is_active(award):
        raise InputError({"": [_l("Co-finance is reported only under an agreement in force.")]})
    commitment = next((c for c in award.commitments if c.id == commitment_id), None)
    if commitment_id and commitment is None:
        raise InputError({"commitment_id": [_l("Choose a commitment of this grant.")]})
    name = (contributor_name or "").strip() or (commitment.contributor_name if commitment else "")
    errors = {
        "contributor_name": [] if name else [_l("Name the contributor.")],
        "nature": [] if nature in ("cash", "in_kind") else [_l("Choose cash or in kind.")],
        "counts_as": []
        if counts_as in ("cost_share", "leverage")
        else [_l("Choose cost share or leverage.")],
        "amount": [] if amount and amount > 0 else [_l("The amount must be greater than zero.")],
        "valuation_basis": []
        if nature != "in_kind" or (valuation_basis or "").strip()
        else [_l("An in-kind contribution needs its valuation basis (how its value was set).")],
        "contributed_on": [] if contributed_on else [_l("Enter the date of the contribution.")],
    }
    raise_if(errors)
    contribution = CofinanceContribution(
        award_id=award.id,
        commitment_id=commitment.id if commitment else None,
        contributor_name=name,
        nature=nature,
        counts_as=counts_as,
        amount=amount,
        currency=award.currency,
        valuation_basis=(valuation_basis or "").strip() or None,
        contributed_on=contributed_on,
        description=(description or "").strip(),
        reported_by_id=actor.id,
    )
    db.session.add(contribution)
    db.session.flush()
    record(
        "cofinance.reported",
        contribution,
        changes={"contributor": name, "amount": amount, "nature": nature, "counts_as": counts_as},
        organisation_id=award.organisation_id,
    )
    notifications.contribution_reported(contribution)
    return contribution


def verify(contribution, actor, *, decision: str, reason: str) -> None:
    refuse_if_closed(contribution.award)
    if not CONTRIBUTION.can(contribution, "verify"):
        raise InputError({"": [_l("This contribution was already verified or rejected.")]})
    if decision not in ("verify", "reject"):
        raise InputError({"decision": [_l("Choose a decision.")]})
    if decision == "reject" and not (reason or "").strip():
        raise InputError({"reason": [_l("Give the reason for rejecting the contribution.")]})
    contribution.reason = (reason or "").strip() or None
    contribution.verified_by_id = actor.id
    contribution.verified_dt = now_utc()
    CONTRIBUTION.move(
        contribution,
        decision,
        changes={"reason": contribution.reason},
        organisation_id=contribution.award.organisation_id,
    )
    db.session.flush()
