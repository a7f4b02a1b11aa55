"""Vocabularies of awards: statuses, risk checklist, agreement and signature states."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class AwardStatus(LabelledEnum):
    # Above the threshold: a second manager approves.
    PENDING_APPROVAL = "pending_approval", _l("Waiting for a second approval")
    # Terms, risk and schedule being prepared.
    APPROVED = "approved", _l("Approved: preparing the agreement")
    # An agreement was issued, waiting for signatures.
    ISSUED = "issued", _l("Agreement issued")
    SIGNED_BY_GRANTEE = "signed_by_grantee", _l("Signed by the grantee")
    # Countersigned: the grant runs (issue 7 pays it).
    ACTIVE = "active", _l("Active")
    # The second manager refused; the budget is released.
    REJECTED = "rejected", _l("Award not approved")
    # Closeout complete (issue 16): every record of the grant is read-only until reopened.
    CLOSED = "closed", _l("Closed")


# Awards whose amount counts against the call budget and the programme envelope. Pending
# approvals are RESERVED: otherwise two large awards could each wait for approval and both be
# approved beyond the budget.
COMMITTING_STATUSES = tuple(s.value for s in AwardStatus if s != AwardStatus.REJECTED)
# Grants whose money and records are shown (finance pages, figures, dashboards, open data):
# in force, or closed (read-only).
MONEY_STATUSES = (AwardStatus.ACTIVE.value, AwardStatus.CLOSED.value)
# Terms, risk and milestones may change until the grantee signs.
EDITABLE_STATUSES = (AwardStatus.APPROVED.value, AwardStatus.ISSUED.value)


class Decision(LabelledEnum):
    AWARD = "award", _l("Award")
    WAITLIST = "waitlist", _l("Waitlist")
    DECLINE = "decline", _l("Decline")


class AgreementStatus(LabelledEnum):
    ISSUED = "issued", _l("Issued, not signed yet")
    SIGNED_BY_GRANTEE = "signed_by_grantee", _l("Signed by the grantee")
    ACTIVE = "active", _l("Signed by both parties (in force)")
    SUPERSEDED = "superseded", _l("Superseded by a later version")


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


class RiskLevel(LabelledEnum):
    """The overall level a risk assessment concludes."""

    LOW = "low", _l("Low")
    MEDIUM = "medium", _l("Medium")
    HIGH = "high", _l("High")


RISK_CONDITIONS = {
    "smaller_tranches": _l(
        "Payments are split into smaller tranches of at most 25% of the award each."
    ),
    "frequent_reports": _l("The grantee submits a narrative and financial report every month."),
    "no_advance": _l("No advance payment: every payment follows a verified deliverable."),
    "quarterly_reports": _l("The grantee submits a narrative and financial report every quarter."),
}
