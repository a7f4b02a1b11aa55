"""Vocabularies of the finance domain."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    DELIVERABLE_APPROVED = "deliverable_approved"
    PAYMENT_APPROVED = "payment_approved"
    PAID = "paid"

    @property
    def label(self):
        return REQUEST_STATUS_LABELS[self]


REQUEST_STATUS_LABELS = {
    RequestStatus.DRAFT: _l("Draft"),
    RequestStatus.SUBMITTED: _l("Submitted: deliverable being verified"),
    RequestStatus.CHANGES_REQUESTED: _l("Changes requested"),
    RequestStatus.REJECTED: _l("Rejected"),
    RequestStatus.DELIVERABLE_APPROVED: _l("Deliverable approved: payment being approved"),
    RequestStatus.PAYMENT_APPROVED: _l("Payment approved"),
    RequestStatus.PAID: _l("Paid"),
}
EDITABLE_REQUEST = (RequestStatus.DRAFT.value, RequestStatus.CHANGES_REQUESTED.value)
# Requests still holding part of a milestone's amount (a new request may not exceed the rest).
OPEN_REQUEST = (
    RequestStatus.SUBMITTED.value,
    RequestStatus.DELIVERABLE_APPROVED.value,
    RequestStatus.PAYMENT_APPROVED.value,
    RequestStatus.PAID.value,
)


class Kind(StrEnum):
    PAYMENT = "payment"
    ADVANCE = "advance"
    REVERSAL = "reversal"


KIND_LABELS = {
    Kind.PAYMENT: _l("Payment"),
    Kind.ADVANCE: _l("Advance"),
    Kind.REVERSAL: _l("Reversal"),
}


class ContributionStatus(StrEnum):
    REPORTED = "reported"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self):
        return CONTRIBUTION_STATUS_LABELS[self]


CONTRIBUTION_STATUS_LABELS = {
    ContributionStatus.REPORTED: _l("Reported, not verified yet"),
    ContributionStatus.VERIFIED: _l("Verified"),
    ContributionStatus.REJECTED: _l("Rejected"),
}

CERTIFICATION = _l(
    "By signing this request, I certify to the best of my knowledge and belief that the "
    "information is true, complete and accurate, and that I am aware that any false, "
    "fictitious or fraudulent information may subject me to penalties."
)
# Stored with every request in the language it was shown (the English source is canonical).
CERTIFICATION_SOURCE = (
    "By signing this request, I certify to the best of my knowledge and belief that the "
    "information is true, complete and accurate, and that I am aware that any false, "
    "fictitious or fraudulent information may subject me to penalties."
)

RATE_SOURCES = {
    "banxico_fix": _l("Banco de México FIX rate"),
    "bank": _l("Rate applied by the paying bank"),
    "dof": _l("Diario Oficial de la Federación"),
    "other": _l("Other (explain in the bank reference)"),
}
