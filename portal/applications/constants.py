"""Vocabularies of the applications domain: statuses, budget categories, co-finance kinds.

Each is a ``StrEnum`` (the stored value, also used in CHECK constraints) with a lazily
translated label for forms and templates.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from portal.applications.states import APPLICATION


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MORE_INFORMATION_REQUESTED = "more_information_requested"
    UNDER_REVIEW = "under_review"
    SCREENED_OUT = "screened_out"
    RECOMMENDED = "recommended"
    WAITLISTED = "waitlisted"
    NOT_RECOMMENDED = "not_recommended"
    AWARDED = "awarded"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.MORE_INFORMATION_REQUESTED: _l("More information requested"),
    ApplicationStatus.UNDER_REVIEW: _l("Under review"),
    ApplicationStatus.SCREENED_OUT: _l("Screened out"),
    ApplicationStatus.RECOMMENDED: _l("Recommended"),
    ApplicationStatus.WAITLISTED: _l("Waitlisted"),
    ApplicationStatus.NOT_RECOMMENDED: _l("Not recommended"),
    ApplicationStatus.AWARDED: _l("Awarded"),
    ApplicationStatus.DECLINED: _l("Declined"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}

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


class BudgetCategory(StrEnum):
    PERSONNEL = "personnel"
    EQUIPMENT = "equipment"
    TRAVEL = "travel"
    SERVICES = "services"
    SUPPLIES = "supplies"
    OTHER = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    BudgetCategory.PERSONNEL: _l("Personnel"),
    BudgetCategory.EQUIPMENT: _l("Equipment"),
    BudgetCategory.TRAVEL: _l("Travel"),
    BudgetCategory.SERVICES: _l("Services"),
    BudgetCategory.SUPPLIES: _l("Supplies"),
    BudgetCategory.OTHER: _l("Other"),
}


class ContributorType(StrEnum):
    APPLICANT = "applicant"
    PRIVATE_COMPANY = "private_company"
    STATE_INSTITUTION = "state_institution"
    OTHER_DONOR = "other_donor"

    @property
    def label(self):
        return CONTRIBUTOR_LABELS[self]


CONTRIBUTOR_LABELS = {
    ContributorType.APPLICANT: _l("The applicant itself"),
    ContributorType.PRIVATE_COMPANY: _l("Private company"),
    ContributorType.STATE_INSTITUTION: _l("State institution"),
    ContributorType.OTHER_DONOR: _l("Other donor"),
}


class Nature(StrEnum):
    """How a contribution is made."""

    CASH = "cash"
    IN_KIND = "in_kind"

    @property
    def label(self):
        return NATURE_LABELS[self]


NATURE_LABELS = {Nature.CASH: _l("Cash"), Nature.IN_KIND: _l("In kind")}


class CountsAs(StrEnum):
    """Cost share is inside the project budget; leverage is outside it (reported only)."""

    COST_SHARE = "cost_share"
    LEVERAGE = "leverage"

    @property
    def label(self):
        return COUNTS_AS_LABELS[self]


COUNTS_AS_LABELS = {
    CountsAs.COST_SHARE: _l("Cost share (inside the project budget)"),
    CountsAs.LEVERAGE: _l("Leverage (outside the project budget)"),
}

# Document slots the application owns besides the call's own slots.
ACKNOWLEDGEMENT_SLOT = "acknowledgement"
COMMITMENT_SLOT_PREFIX = "commitment_letter_"
MESSAGE_ATTACHMENT_SLOT = "attachment"

TITLE_MAX = 300
MESSAGE_MAX = 5000
