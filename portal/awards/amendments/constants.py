"""Vocabularies of amendments: their statuses and the kinds of change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class AmendmentStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted for review")
    # An amount increase above the second-approval threshold, approved by a first grants
    # manager, waits for another one (kinds/amount.py).
    PENDING_SECOND_APPROVAL = "pending_second_approval", _l("Waiting for a second approval")
    CHANGES_REQUESTED = "changes_requested", _l("Returned for changes")
    # Approval produces the amendment document; both parties sign it; the countersignature
    # puts it in effect (``signing``).
    APPROVED = "approved", _l("Approved: waiting for signatures")
    SIGNED_BY_GRANTEE = "signed_by_grantee", _l("Signed by the grantee")
    IN_EFFECT = "in_effect", _l("In effect")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# Open amendments: at most one per award (a partial unique index enforces it).
OPEN_STATUSES = (
    AmendmentStatus.DRAFT.value,
    AmendmentStatus.SUBMITTED.value,
    AmendmentStatus.CHANGES_REQUESTED.value,
    AmendmentStatus.PENDING_SECOND_APPROVAL.value,
)
# Still editable by whoever drafted it.
EDITABLE_STATUSES = (AmendmentStatus.DRAFT.value, AmendmentStatus.CHANGES_REQUESTED.value)
DECIDED_STATUSES = (
    AmendmentStatus.APPROVED.value,
    AmendmentStatus.SIGNED_BY_GRANTEE.value,
    AmendmentStatus.IN_EFFECT.value,
    AmendmentStatus.REJECTED.value,
)
# Approved, its document not signed by both yet: the next amendment waits to be approved (the
# version chain is a line).
AWAITING_SIGNATURES = (AmendmentStatus.APPROVED.value, AmendmentStatus.SIGNED_BY_GRANTEE.value)
# Waiting for a grants manager's decision (the second one: another manager than the first).
DECIDABLE_STATUSES = (
    AmendmentStatus.SUBMITTED.value,
    AmendmentStatus.PENDING_SECOND_APPROVAL.value,
)


class ChangeKind(LabelledEnum):
    """Every kind of change issue 15 names; those with a module in
    ``portal.awards.amendments.kinds`` can be requested (the ``kinds`` column stores any)."""

    NO_COST_EXTENSION = "no_cost_extension", _l("No-cost extension")
    SCOPE = "scope", _l("Scope or description change")
    BUDGET_REALIGNMENT = "budget_realignment", _l("Budget realignment")
    AMOUNT = "amount", _l("Amount change")
    MILESTONES = "milestones", _l("Milestone schedule change")
    COFINANCE = "cofinance", _l("Co-finance commitment change")
    BANK_ACCOUNT = "bank_account", _l("Bank account change")
    SIGNATORY = "signatory", _l("Signatory change")


# A no-cost extension ends at most this many years after the grant's start.
MAX_TERM_YEARS = 3
