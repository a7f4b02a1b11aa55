"""The closeout letter: a PDF (WeasyPrint, like the agreement) stored through the documents
capability (owner type ``closeout_letter``), written in the agreement's language (Spanish for a
bilingual agreement), figures in words, dates long in the programme's zone."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import select

from portal.core.db import db
from portal.core.i18n import locale_for
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot
from portal.pdf.ordinals import ordinal, roman

OWNER_TYPE = "closeout_letter"
LETTER_SLOT = DocumentSlot(
    "letter", "Closeout letter (PDF)", types=("pdf",), max_bytes=10 * 1024 * 1024
)


@dataclass
class LetterDocuments(DocumentOwner):
    award: object = None

    def can_view_documents(self, user) -> bool:
        from portal.closeout.permissions import can_view

        return can_view(self.award, user)


def owner_for(award) -> LetterDocuments:
    return LetterDocuments(
        owner_type=OWNER_TYPE,
        owner_id=award.id,
        title=award.application.reference or "",
        organisation_id=award.organisation_id,
        slots=(LETTER_SLOT,),
        award=award,
    )


def _load(owner_id: int):
    from portal.awards.models import Award

    award = db.session.get(Award, owner_id)
    return owner_for(award) if award is not None else None


def register() -> None:
    register_owner(OWNER_TYPE, _load)


def agreement_number(award) -> str:
    """The number of the grant's agreement in force (the letter's proemio names it)."""
    from portal.awards.models import Agreement

    number = db.session.scalar(
        select(Agreement.number)
        .where(Agreement.award_id == award.id, Agreement.status == "active")
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    return number or award.application.reference or ""


def language_of(award) -> str:
    """The language of the grant's agreement in force ('es' for a bilingual one)."""
    from portal.awards.models import Agreement

    language = db.session.scalar(
        select(Agreement.language)
        .where(Agreement.award_id == award.id, Agreement.status == "active")
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    return "en" if language == "en" else "es"


def context(closeout, language: str) -> dict:
    from portal.awards.amounts_in_words import in_figures_and_words
    from portal.awards.legal_form import programme_party
    from portal.closeout.checklist import checklist
    from portal.finance.figures import grant_figures
    from portal.pdf.dates import programme_today

    award = closeout.award
    found = checklist(award, closeout)
    figures = grant_figures([award.id]).get(award.id)
    verified = figures.verified_cost_share + figures.verified_leverage if figures else 0
    return {
        "award": award,
        "application": award.application,
        "organisation": award.application.organisation,
        "programme": award.application.call.programme,
        "closeout": closeout,
        "checklist": found,
        "amounts": {
            "award": award.amount,
            "disbursed": found.disbursed,
            "refunded": found.refunded,
            "verified_cofinance": verified,
        },
        "in_words": lambda amount: in_figures_and_words(amount, award.currency, language),
        "date": programme_today(closeout.closed_dt),
        # The legal form (issue 20): the agreement closed, the programme as a party, ordinals.
        "agreement_number": agreement_number(award),
        "party": programme_party(),
        "ordinal": lambda number: ordinal(number, language),
        "roman": roman,
    }


def render(closeout, language: str) -> bytes:
    from portal.pdf.render import render_pdf

    with force_locale(locale_for(language)):
        return render_pdf("closeout_letter.html", language=language, **context(closeout, language))


def generate(closeout, actor):
    """Render and store the letter of a just-closed grant; returns the stored document."""
    from portal.audit.operations import record
    from portal.documents.operations import receive_upload, start_upload

    award = closeout.award
    language = language_of(award)
    pdf = render(closeout, language)
    document = start_upload(
        owner_for(award),
        LETTER_SLOT,
        actor,
        filename=f"{award.application.reference}-cierre.pdf"
        if language == "es"
        else f"{award.application.reference}-closeout.pdf",
    )
    outcome = receive_upload(document, LETTER_SLOT, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"closeout letter refused: {outcome.message}")
    record(
        "closeout.letter_generated",
        closeout,
        changes={"document_id": document.id, "sha256": document.sha256, "language": language},
        organisation_id=award.organisation_id,
    )
    return document
