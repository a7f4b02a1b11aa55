"""The decline letter: a PDF with the evaluation summary (stored through the documents
capability, owner type ``decline_letter``) and an e-mail to the organisation's owners and
signatory. Rendered by a job once the decision is committed: on RQ when Redis is configured,
inline otherwise."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from flask_babel import force_locale

from portal.awards.jobs import enqueue_after_commit
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.i18n import locale_for
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot

log = logging.getLogger("portal.awards")
OWNER_TYPE = "decline_letter"
LETTER_SLOT = DocumentSlot(
    "letter", "Decline letter (PDF)", types=("pdf",), max_bytes=10 * 1024 * 1024
)


@dataclass
class LetterDocuments(DocumentOwner):
    application: object = None

    def can_view_documents(self, user) -> bool:
        return can_read_letter(self.application, user)


def can_read_letter(application, user) -> bool:
    if not user.is_authenticated or application.status != "declined":
        return False
    return application.membership(user) is not None or application.call.programme.can_manage(user)


def owner_for(application) -> LetterDocuments:
    return LetterDocuments(
        owner_type=OWNER_TYPE,
        owner_id=application.id,
        title=application.reference or "",
        organisation_id=application.organisation_id,
        slots=(LETTER_SLOT,),
        application=application,
    )


def _load(owner_id: int):
    from portal.applications.models import Application

    application = db.session.get(Application, owner_id)
    return owner_for(application) if application is not None else None


def register() -> None:
    register_owner(OWNER_TYPE, _load)


def evaluation_summary(application) -> dict | None:
    """The reviews package's applicant-facing summary (means per criterion, consensus
    summary), or None when the application was never scored."""
    try:
        from portal.reviews.feedback import summary

        found = summary(application)
    except Exception:  # the reviews package is optional for the letter
        log.exception("evaluation summary of application %s unavailable", application.id)
        return None
    return found if found.get("reviews") or found.get("consensus") else None


def render(application, language: str) -> bytes:
    from portal.pdf.dates import programme_today
    from portal.pdf.render import render_pdf

    with force_locale(locale_for(language)):
        return render_pdf(
            "decline_letter.html",
            application=application,
            call=application.call,
            organisation=application.organisation,
            evaluation=evaluation_summary(application),
            language=language,
            date=programme_today(),
        )


def generate(application_id: int):
    from portal.applications.models import Application
    from portal.audit.operations import record
    from portal.awards.notifications import grantee_recipients, notify_declined
    from portal.documents.operations import latest, receive_upload, start_upload

    application = db.session.get(Application, application_id)
    if application is None or application.status != "declined":
        return None
    if latest(OWNER_TYPE, application.id, LETTER_SLOT.key) is not None:
        return None
    recipients = grantee_recipients(application)
    language = recipients[0].locale if recipients else "es"
    pdf = render(application, language)
    from portal.accounts.models import User

    uploader = recipients[0] if recipients else db.session.get(User, application.created_by_id)
    document = start_upload(
        owner_for(application), LETTER_SLOT, uploader, filename=f"{application.reference}-carta.pdf"
    )
    outcome = receive_upload(document, LETTER_SLOT, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"decline letter refused: {outcome.message}")
    record(
        "award.decline_letter_generated",
        application,
        changes={"document_id": document.id, "sha256": document.sha256},
        organisation_id=application.organisation_id,
        user=None,
    )
    notify_declined(application)
    return document


def letter_job(application_id: int) -> None:
    """Entry point of the background job (RQ, or inline after the request's commit)."""
    try:
        generate(application_id)
        unit_of_work.commit()
    except Exception:
        unit_of_work.discard()
        log.exception("decline letter of application %s failed", application_id)
        raise


def schedule_decline_letter(application) -> None:
    """Generate the letter once the decision is committed (RQ, or inline without Redis)."""
    enqueue_after_commit("portal.awards.letters:letter_job", application.id)
