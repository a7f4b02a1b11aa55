"""Payment requests and co-finance contributions as document owners (evidence, receipts)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot
from portal.finance import permissions
from portal.finance.constants import EDITABLE_REQUEST

MB = 1024 * 1024
EVIDENCE = DocumentSlot("evidence", _l("Evidence of the deliverable"), max_bytes=20 * MB)
EVIDENCE_MORE = DocumentSlot("evidence_more", _l("Further evidence"), max_bytes=20 * MB)
RECEIPT_TYPES = ("pdf", "jpeg", "png")


def receipt_slot(line) -> DocumentSlot:
    return DocumentSlot(
        f"receipt_{line.id}",
        _l("Receipt: %(description)s", description=line.description),
        types=RECEIPT_TYPES,
        max_bytes=10 * MB,
    )


@dataclass
class RequestDocuments(DocumentOwner):
    request: object = None

    def can_view_documents(self, user) -> bool:
        return permissions.can_view(self.request.award, user)

    def can_upload_documents(self, user) -> bool:
        return self.request.status in EDITABLE_REQUEST and permissions.can_prepare(
            self.request.award, user
        )

    def documents_url(self) -> str:
        return url_for("finance.request", request_id=self.request.id)


def request_owner(request) -> RequestDocuments:
    return RequestDocuments(
        owner_type="payment_request",
        owner_id=request.id,
        title=request.award.application.reference or "",
        organisation_id=request.award.organisation_id,
        slots=(EVIDENCE, EVIDENCE_MORE, *(receipt_slot(line) for line in request.expenses)),
        request=request,
    )


CONTRIBUTION_EVIDENCE = DocumentSlot(
    "evidence", _l("Evidence of the contribution"), max_bytes=20 * MB
)


@dataclass
class ContributionDocuments(DocumentOwner):
    contribution: object = None

    def can_view_documents(self, user) -> bool:
        return permissions.can_view(self.contribution.award, user)

    def can_upload_documents(self, user) -> bool:
        return self.contribution.status == "reported" and permissions.can_prepare(
            self.contribution.award, user
        )

    def documents_url(self) -> str:
        return url_for("finance.grant", award_id=self.contribution.award_id)


def contribution_owner(contribution) -> ContributionDocuments:
    return ContributionDocuments(
        owner_type="cofinance_contribution",
        owner_id=contribution.id,
        title=contribution.contributor_name,
        organisation_id=contribution.award.organisation_id,
        slots=(CONTRIBUTION_EVIDENCE,),
        contribution=contribution,
    )


def _load_request(owner_id: int):
    from portal.finance.models import PaymentRequest

    request = db.session.get(PaymentRequest, owner_id)
    return request_owner(request) if request else None


def _load_contribution(owner_id: int):
    from portal.finance.models import CofinanceContribution

    contribution = db.session.get(CofinanceContribution, owner_id)
    return contribution_owner(contribution) if contribution else None


def register() -> None:
    register_owner("payment_request", _load_request)
    register_owner("cofinance_contribution", _load_contribution)
