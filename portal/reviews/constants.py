"""Vocabularies of the review domain: screening outcomes and reasons, assignment and review
states, decisions after ranking. Each ``StrEnum`` value is stored; labels are lazy."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ScreeningOutcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MORE_INFORMATION = "more_information"

    @property
    def label(self):
        return SCREENING_OUTCOME_LABELS[self]


SCREENING_OUTCOME_LABELS = {
    ScreeningOutcome.PASS: _l("Passes screening: send to review"),
    ScreeningOutcome.FAIL: _l("Fails screening: screen out"),
    ScreeningOutcome.MORE_INFORMATION: _l("Ask the applicant for more information"),
}

# Reasons a grants manager may give for screening an application out (stable keys).
SCREENING_REASONS: dict[str, object] = {
    "incomplete_documents": _l("Required documents are missing or unreadable"),
    "ineligible_applicant": _l("The applicant type is not eligible for this call"),
    "ineligible_state": _l("The project is outside the eligible states"),
    "out_of_scope": _l("The project is outside the thematic areas of the call"),
    "amount_out_of_limits": _l("The requested amount is outside the call's limits"),
    "cofinance_shortfall": _l("The co-finance is below the call's minimum"),
    "invalid_cofinance_evidence": _l("Commitment letters do not support the co-finance"),
    "duplicate": _l("Duplicate of another application"),
    "other": _l("Other reason (see the explanation)"),
}


class AssignmentState(StrEnum):
    """Derived from the declaration: pending (not declared), accepted, recused."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RECUSED = "recused"

    @property
    def label(self):
        return ASSIGNMENT_STATE_LABELS[self]


ASSIGNMENT_STATE_LABELS = {
    AssignmentState.PENDING: _l("Conflict of interest not declared yet"),
    AssignmentState.ACCEPTED: _l("No conflict declared"),
    AssignmentState.RECUSED: _l("Recused (conflict of interest)"),
}


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self):
        return REVIEW_STATUS_LABELS[self]


REVIEW_STATUS_LABELS = {
    ReviewStatus.DRAFT: _l("Draft"),
    ReviewStatus.SUBMITTED: _l("Submitted"),
}

# Application statuses that belong in the ranking (passed screening), and those after which
# the applicant may read the evaluation summary.
RANKED_STATUSES = (
    "under_review",
    "recommended",
    "waitlisted",
    "not_recommended",
    "awarded",
    "declined",
)
DECIDED_STATUSES = frozenset(
    {"recommended", "waitlisted", "not_recommended", "awarded", "declined", "screened_out"}
)
# Statuses a grants manager may set after consensus and ranking (from under review).
REVIEW_DECISIONS = ("recommended", "waitlisted", "not_recommended")
# Statuses waiting for screening.
SCREENING_STATUSES = ("submitted", "more_information_requested")

DEFAULT_MAX_SCORE = Decimal("5")
DEFAULT_REVIEWERS_PER_APPLICATION = 3
MAX_REVIEWERS_PER_APPLICATION = 10
COMMENT_MAX = 5000
NOTE_MAX = 2000
