"""Vocabularies of the applications domain: statuses, budget categories, co-finance kinds.

Each is a ``LabelledEnum`` (the stored value, also used in CHECK constraints) with a lazily
translated label for forms and templates.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.applications.states import APPLICATION
from portal.core.enums import LabelledEnum


class ApplicationStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    MORE_INFORMATION_REQUESTED = "more_information_requested", _l("More information requested")
    UNDER_REVIEW = "under_review", _l("Under review")
    SCREENED_OUT = "screened_out", _l("Screened out")
    RECOMMENDED = "recommended", _l("Recommended")
    WAITLISTED = "waitlisted", _l("Waitlisted")
    NOT_RECOMMENDED = "not_recommended", _l("Not recommended")
    AWARDED = "awarded", _l("Awarded")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# Bootstrap badge classes per status (templates).
STATUS_BADGES = {
    ApplicationStatus.DRAFT: "text-bg-secondary",
    ApplicationStatus.SUBMITTED: "text-bg-primary",
    ApplicationStatus.MORE_INFORMATION_REQUESTED: "text-bg-warning",
    ApplicationStatus.UNDER_REVIEW: "text-bg-info",
    ApplicationStatus.SCREENED_OUT: "text-bg-dark",
    ApplicationStatus.RECOMMENDED: "text-bg-success",
    ApplicationStatus.WAITLISTED: "text-bg-light border",
    ApplicationStatus.NOT_RECOMMENDED: "text-bg-dark",
    ApplicationStatus.AWARDED: "text-bg-success",
    ApplicationStatus.DECLINED: "text-bg-dark",
    ApplicationStatus.WITHDRAWN: "text-bg-light border",
}

# The allowed moves, read from the transition table (portal.applications.states.APPLICATION).
ALLOWED_MOVES: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    status: frozenset(
        ApplicationStatus(t.target)
        for (source, _action), t in APPLICATION.transitions.items()
        if source == status
    )
    for status in ApplicationStatus
}

# Statuses from which the owner may still withdraw (before the deadline).
WITHDRAWABLE = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.MORE_INFORMATION_REQUESTED,
    }
)


class BudgetCategory(LabelledEnum):
    PERSONNEL = "personnel", _l("Personnel")
    EQUIPMENT = "equipment", _l("Equipment")
    TRAVEL = "travel", _l("Travel")
    SERVICES = "services", _l("Services")
    SUPPLIES = "supplies", _l("Supplies")
    OTHER = "other", _l("Other")


class ContributorType(LabelledEnum):
    APPLICANT = "applicant", _l("The applicant itself")
    PRIVATE_COMPANY = "private_company", _l("Private company")
    STATE_INSTITUTION = "state_institution", _l("State institution")
    OTHER_DONOR = "other_donor", _l("Other donor")


class Nature(LabelledEnum):
    """How a contribution is made."""

    CASH = "cash", _l("Cash")
    IN_KIND = "in_kind", _l("In kind")


class CountsAs(LabelledEnum):
    """Cost share is inside the project budget; leverage is outside it (reported only)."""

    COST_SHARE = "cost_share", _l("Cost share (inside the project budget)")
    LEVERAGE = "leverage", _l("Leverage (outside the project budget)")


# Document slots the application owns besides the call's own slots.
ACKNOWLEDGEMENT_SLOT = "acknowledgement"
COMMITMENT_SLOT_PREFIX = "commitment_letter_"
MESSAGE_ATTACHMENT_SLOT = "attachment"

TITLE_MAX = 300
MESSAGE_MAX = 5000
