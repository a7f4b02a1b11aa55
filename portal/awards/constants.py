"""Vocabularies of awards: statuses, risk checklist, agreement and signature states."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class AwardStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"  # above the threshold: a second manager approves
    APPROVED = "approved"  # terms, risk and schedule being prepared
    ISSUED = "issued"  # an agreement was issued, waiting for signatures
    SIGNED_BY_GRANTEE = "signed_by_grantee"
    ACTIVE = "active"  # countersigned: the grant runs (issue 7 pays it)
    REJECTED = "rejected"  # the second manager refused; the budget is released

    @property
    def label(self):
        return AWARD_STATUS_LABELS[self]


AWARD_STATUS_LABELS = {
    AwardStatus.PENDING_APPROVAL: _l("Waiting for a second approval"),
    AwardStatus.APPROVED: _l("Approved: preparing the agreement"),
    AwardStatus.ISSUED: _l("Agreement issued"),
    AwardStatus.SIGNED_BY_GRANTEE: _l("Signed by the grantee"),
    AwardStatus.ACTIVE: _l("Active"),
    AwardStatus.REJECTED: _l("Award not approved"),
}

# Awards whose amount counts against the call budget and the programme envelope. Pending
# approvals are RESERVED: otherwise two large awards could each wait for approval and both be
# approved beyond the budget.
COMMITTING_STATUSES = tuple(s.value for s in AwardStatus if s != AwardStatus.REJECTED)
# Terms, risk and milestones may change until the grantee signs.
EDITABLE_STATUSES = (AwardStatus.APPROVED.value, AwardStatus.ISSUED.value)


class Decision(StrEnum):
    AWARD = "award"
    WAITLIST = "waitlist"
    DECLINE = "decline"


DECISION_LABELS = {
    Decision.AWARD: _l("Award"),
    Decision.WAITLIST: _l("Waitlist"),
    Decision.DECLINE: _l("Decline"),
}


class AgreementStatus(StrEnum):
    ISSUED = "issued"
    SIGNED_BY_GRANTEE = "signed_by_grantee"
    ACTIVE = "active"
    SUPERSEDED = "superseded"

    @property
    def label(self):
        return AGREEMENT_STATUS_LABELS[self]


AGREEMENT_STATUS_LABELS = {
    AgreementStatus.ISSUED: _l("Issued, not signed yet"),
    AgreementStatus.SIGNED_BY_GRANTEE: _l("Signed by the grantee"),
    AgreementStatus.ACTIVE: _l("Signed by both parties (in force)"),
    AgreementStatus.SUPERSEDED: _l("Superseded by a later version"),
}


class SignatureRole(StrEnum):
    GRANTEE = "grantee"
    PROGRAMME = "programme"


class MilestoneStatus(StrEnum):
    """Issue 7 moves milestones along (evidence, approval, payment)."""

    PLANNED = "planned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAID = "paid"


# Pre-award risk assessment -------------------------------------------------------------------
RISK_ITEMS = {
    "financial_management": _l("Financial management (accounting system, controls, bank account)"),
    "past_performance": _l("Past performance on similar grants"),
    "audits": _l("Audit findings (latest financial statements or audit)"),
    "capacity": _l("Technical and administrative capacity for this project"),
    "registration": _l("Legal registration and tax status (RFC, CLUNI, SAT opinion)"),
    "exclusion": _l("Exclusion checks (sanctions lists, debarment, conflicts of interest)"),
}
RISK_ANSWERS = {
    "satisfactory": _l("Satisfactory"),
    "partial": _l("Some concerns"),
    "unsatisfactory": _l("Unsatisfactory"),
}
RISK_LEVEL_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
RISK_CONDITIONS = {
    "smaller_tranches": _l(
        "Payments are split into smaller tranches of at most 25% of the award each."
    ),
    "frequent_reports": _l("The grantee submits a narrative and financial report every month."),
    "no_advance": _l("No advance payment: every payment follows a verified deliverable."),
    "quarterly_reports": _l("The grantee submits a narrative and financial report every quarter."),
}
