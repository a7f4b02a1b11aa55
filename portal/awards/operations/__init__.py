"""Business logic of awards, by topic: decisions, terms, risk, milestones, agreements.

Operations validate, change state (statuses only through the machines of
``portal.awards.states``), write the audit entry, queue e-mails and flush; they never commit.
Refusals raise ``InputError`` (messages per form field) and change nothing. Signing is in
``portal.awards.signing``, decline letters in ``portal.awards.letters``.
"""

from __future__ import annotations

from portal.awards.operations.agreements import (
    agreement_language,
    issue_agreement,
    issue_problems,
)
from portal.awards.operations.decisions import (
    DECIDABLE,
    PATHS,
    approve,
    budget_message,
    decide,
    offered_instruments,
    prefill_commitments,
    reject_approval,
    threshold,
)
from portal.awards.operations.milestones import add_milestone, remove_milestone, schedule_problems
from portal.awards.operations.queries import agreements_of, award_of, current_agreement, risk_of
from portal.awards.operations.risk import accept_risk_conditions, assess_risk
from portal.awards.operations.terms import (
    add_commitment,
    excludes_advances,
    remove_commitment,
    update_terms,
)

__all__ = [
    "DECIDABLE",
    "PATHS",
    "accept_risk_conditions",
    "add_commitment",
    "add_milestone",
    "agreement_language",
    "agreements_of",
    "approve",
    "assess_risk",
    "award_of",
    "budget_message",
    "current_agreement",
    "decide",
    "excludes_advances",
    "issue_agreement",
    "issue_problems",
    "offered_instruments",
    "prefill_commitments",
    "reject_approval",
    "remove_commitment",
    "remove_milestone",
    "risk_of",
    "schedule_problems",
    "threshold",
    "update_terms",
]
