"""Objects that own documents, and who may see or add them.

A domain registers an owner type once with a loader::

    register_owner("application", lambda id: ApplicationDocuments.load(id))

The loader returns ``None`` for an unknown id, or a ``DocumentOwner``: it names the slots
(``DocumentSlot``) and answers ``can_view_documents(user)`` / ``can_upload_documents(user)``.
The documents views check these on every request; they hold no rules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.core.db import db
from portal.documents.types import DocumentSlot

_LOADERS: dict[str, Callable[[int], DocumentOwner | None]] = {}


@dataclass
class DocumentOwner:
    """Adapter between a domain object and the documents package (subclass per domain)."""

    owner_type: str
    owner_id: int
    title: str
    organisation_id: int | None = None
    slots: Sequence[DocumentSlot] = field(default_factory=tuple)

    def can_view_documents(self, user) -> bool:
        return False

    def can_upload_documents(self, user) -> bool:
        return False

    def document_slot(self, key: str) -> DocumentSlot | None:
        return next((s for s in self.slots if s.key == key), None)

    def documents_url(self) -> str:
        """Where to return after an upload; domains may point to their own page."""
        return url_for(
            "documents.owner_documents", owner_type=self.owner_type, owner_id=self.owner_id
        )


def register_owner(owner_type: str, loader: Callable[[int], DocumentOwner | None]) -> None:
    _LOADERS[owner_type] = loader


def resolve(owner_type: str, owner_id: int) -> DocumentOwner | None:
    loader = _LOADERS.get(owner_type)
    return loader(owner_id) if loader else None


# Organisation profile documents --------------------------------------------------------
ORGANISATION_SLOTS = (
    DocumentSlot(
        "articles_of_incorporation",
        _l("Articles of incorporation (acta constitutiva)"),
        types=("pdf",),
        mandatory=True,
    ),
    DocumentSlot(
        "cluni_certificate",
        _l("CLUNI registration certificate"),
        types=("pdf", "jpeg", "png"),
    ),
    DocumentSlot(
        "tax_status_certificate",
        _l("Tax status certificate (constancia de situación fiscal)"),
        types=("pdf",),
        mandatory=True,
    ),
    DocumentSlot(
        "power_of_attorney",
        _l("Legal representative's power of attorney (poder notarial)"),
        types=("pdf", "jpeg", "png"),
    ),
    DocumentSlot("other", _l("Other supporting document"), help=_l("Any accepted type.")),
)


@dataclass
class OrganisationDocuments(DocumentOwner):
    """Members and staff see an organisation's documents; owners and editors add them."""

    organisation: object = None

    def can_view_documents(self, user) -> bool:
        return self.organisation.can_view(user)

    def can_upload_documents(self, user) -> bool:
        return self.organisation.can_edit(user)


def load_organisation(owner_id: int) -> OrganisationDocuments | None:
    from portal.organisations.models import Organisation

    org = db.session.get(Organisation, owner_id)
    if org is None:
        return None
    return OrganisationDocuments(
        owner_type="organisation",
        owner_id=org.id,
        title=org.legal_name,
        organisation_id=org.id,
        slots=ORGANISATION_SLOTS,
        organisation=org,
    )


def register_builtin_owners() -> None:
    register_owner("organisation", load_organisation)
