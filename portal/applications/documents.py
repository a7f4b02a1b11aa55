"""The application as a documents owner, and the message thread's attachments.

Owner type ``application`` has the call's document slots (from the form the application
answers), one commitment-letter slot per co-finance source, and, once submitted, the
``acknowledgement`` slot that only the portal fills. Members and grants staff see the
documents; owners and editors add them while the application is a draft, so a submitted
application's documents are as locked as its answers.

Owner type ``application_message`` holds a thread message's attachments; they are added only
through the thread form, never through the generic upload page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications.constants import ACKNOWLEDGEMENT_SLOT, MESSAGE_ATTACHMENT_SLOT
from portal.core.db import db
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DEFAULT_TYPES, DocumentSlot

MB = 1024 * 1024
ACKNOWLEDGEMENT = DocumentSlot(
    ACKNOWLEDGEMENT_SLOT, _l("Acknowledgement of receipt (PDF)"), types=("pdf",), max_bytes=20 * MB
)
ATTACHMENT = DocumentSlot(MESSAGE_ATTACHMENT_SLOT, _l("Attachment"), types=DEFAULT_TYPES)
LETTER_TYPES = ("pdf", "jpeg", "png")


def _bilingual(texts: dict) -> LazyString:
    from portal.core.i18n import current_language

    return LazyString(lambda: texts.get(current_language()) or texts.get("es") or "")


def snapshot_slots(snapshot: dict) -> list[DocumentSlot]:
    """The call's slots as the documents domain's ``DocumentSlot`` (from a form snapshot)."""
    return [
        DocumentSlot(
            key=s["key"],
            label=_bilingual(s["label"]),
            types=tuple(s["allowed_types"]),
            max_bytes=s["max_size_mb"] * MB,
            mandatory=s["mandatory"],
        )
        for s in snapshot["document_slots"]
    ]


def letter_slot(source) -> DocumentSlot:
    return DocumentSlot(
        key=source.letter_slot,
        label=_l("Commitment letter: %(name)s", name=source.contributor_name),
        types=LETTER_TYPES,
        max_bytes=10 * MB,
        mandatory=source.needs_letter,
    )


@dataclass
class ApplicationDocuments(DocumentOwner):
    application: object = None

    def can_view_documents(self, user) -> bool:
        return self.application.can_view(user)

    def can_upload_documents(self, user) -> bool:
        return self.application.can_edit(user)

    def documents_url(self) -> str:
        """After an upload, back to the page the applicant came from (see views.uploaded)."""
        return url_for("applications.uploaded", application_id=self.owner_id)


def application_owner(application) -> ApplicationDocuments:
    from portal.applications.models import CofinanceSource

    sources = db.session.scalars(
        select(CofinanceSource)
        .where(CofinanceSource.application_id == application.id)
        .order_by(CofinanceSource.position, CofinanceSource.id)
    ).all()
    letters = [letter_slot(s) for s in sources if s.needs_letter]
    slots = snapshot_slots(application.snapshot()) + letters
    if application.was_submitted:
        slots.append(ACKNOWLEDGEMENT)
    return ApplicationDocuments(
        owner_type="application",
        owner_id=application.id,
        title=application.reference or application.title or "",
        organisation_id=application.organisation_id,
        slots=tuple(slots),
        application=application,
    )


def load_application(owner_id: int) -> ApplicationDocuments | None:
    from portal.applications.models import Application

    application = db.session.get(Application, owner_id)
    return application_owner(application) if application is not None else None


@dataclass
class MessageDocuments(DocumentOwner):
    application: object = None

    def can_view_documents(self, user) -> bool:
        return self.application.can_view(user)

    def can_upload_documents(self, user) -> bool:
        return False  # only through the thread form (see operations.add_message)

    def documents_url(self) -> str:
        return url_for("applications.status", application_id=self.application.id)


def message_owner(message, application) -> MessageDocuments:
    return MessageDocuments(
        owner_type="application_message",
        owner_id=message.id,
        title=application.reference or "",
        organisation_id=application.organisation_id,
        slots=(ATTACHMENT,),
        application=application,
    )


def load_message(owner_id: int) -> MessageDocuments | None:
    from portal.applications.models import Application, ApplicationMessage

    message = db.session.get(ApplicationMessage, owner_id)
    if message is None:
        return None
    return message_owner(message, db.session.get(Application, message.application_id))


def register() -> None:
    register_owner("application", load_application)
    register_owner("application_message", load_message)
