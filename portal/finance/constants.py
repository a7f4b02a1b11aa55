"""Vocabularies of the finance domain (``LabelledEnum``: stored value and lazy label)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum


class RequestStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted: deliverable being verified")
    CHANGES_REQUESTED = "changes_requested", _l("Changes requested")
    REJECTED = "rejected", _l("Rejected")
    DELIVERABLE_APPROVED = (
        "deliverable_approved",
        _l("Deliverable approved: payment being approved"),
    )
    PAYMENT_APPROVED = "payment_approved", _l("Payment approved")
    PAID = "paid", _l("Paid")


EDITABLE_REQUEST = (RequestStatus.DRAFT.value, RequestStatus.CHANGES_REQUESTED.value)
# Requests still holding part of a milestone's amount (a new request may not exceed the rest).
OPEN_REQUEST = (
    RequestStatus.SUBMITTED.value,
    RequestStatus.DELIVERABLE_APPROVED.value,
    RequestStatus.PAYMENT_APPROVED.value,
    RequestStatus.PAID.value,
)


class Kind(LabelledEnum):
    """The kind of a disbursement."""

    PAYMENT = "payment", _l("Payment")
    ADVANCE = "advance", _l("Advance")
    REVERSAL = "reversal", _l("Reversal")
    # Unspent funds the grantee returns (its own entry, negative, with the bank reference of
    # the transfer; never an edit of the payment). May settle part of an outstanding advance.
    REFUND = "refund", _l("Refund")


# Kinds that carry the negative of money paid out (the ledger's SUM stays the net paid).
NEGATIVE_KINDS = (Kind.REVERSAL.value, Kind.REFUND.value)


class ContributionStatus(LabelledEnum):
    REPORTED = "reported", _l("Reported, not verified yet")
    VERIFIED = "verified", _l("Verified")
    REJECTED = "rejected", _l("Rejected")


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
