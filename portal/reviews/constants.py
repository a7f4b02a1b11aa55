"""Vocabularies of the review domain: screening outcomes and reasons, assignment and review
states, decisions after ranking. Each ``LabelledEnum`` value is stored; labels are lazy."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class ScreeningOutcome(LabelledEnum):
    PASS = "pass", _l("Passes screening: send to review")
    FAIL = "fail", _l("Fails screening: screen out")
    MORE_INFORMATION = "more_information", _l("Ask the applicant for more information")


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


class AssignmentState(LabelledEnum):
    """Derived from the declaration: pending (not declared), accepted, recused."""

    PENDING = "pending", _l("Conflict of interest not declared yet")
    ACCEPTED = "accepted", _l("No conflict declared")
    RECUSED = "recused", _l("Recused (conflict of interest)")


class ReviewStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")


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
