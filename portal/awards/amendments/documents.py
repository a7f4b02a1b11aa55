"""Amendments as document owners: the bank's letter of a bank account change (uploaded by the
side that drafts the amendment while it can still be edited, read by whoever sees it)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.awards.amendments import permissions
from portal.core.db import db
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot

OWNER_TYPE = "amendment"
BANK_LETTER = DocumentSlot(
    "bank_letter",
    _l("Bank's letter confirming the new account"),
    types=("pdf", "jpeg", "png"),
    max_bytes=10 * 1024 * 1024,
    mandatory=True,
    help=_l("On the bank's letterhead: the account holder and the CLABE."),
)


@dataclass
class AmendmentDocuments(DocumentOwner):
    amendment: object = None

    def can_view_documents(self, user) -> bool:
        return permissions.can_see(self.amendment, user)

    def can_upload_documents(self, user) -> bool:
        return permissions.can_edit(self.amendment, user)

    def documents_url(self) -> str:
        return url_for("awards.amendment", amendment_id=self.amendment.id)


def amendment_owner(amendment) -> AmendmentDocuments:
    return AmendmentDocuments(
        owner_type=OWNER_TYPE,
        owner_id=amendment.id,
        title=f"{amendment.award.application.reference} / {amendment.number}",
        organisation_id=amendment.award.organisation_id,
        slots=(BANK_LETTER,),
        amendment=amendment,
    )


def _load(owner_id: int):
    from portal.awards.amendments.models import Amendment

    amendment = db.session.get(Amendment, owner_id)
    return amendment_owner(amendment) if amendment else None


def register() -> None:
    register_owner(OWNER_TYPE, _load)


def has_bank_letter(amendment) -> bool:
    from portal.documents.operations import latest

    return latest(OWNER_TYPE, amendment.id, BANK_LETTER.key) is not None
