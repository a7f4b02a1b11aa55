"""The agreement: its canonical content and hash, the PDF rendering, and storage.

The hash of a PDF cannot be printed inside that PDF, so the footer carries the SHA-256 of the
*canonical content* (a JSON of every term, ``content_hash``); the stored PDF's own SHA-256 is
recorded too (``file_sha256``), and ``/verify/<hash>`` accepts either. After both signatures
the signed content (the terms' hash plus the signatures) gets its own hash, and the signed PDF
is rendered once, stored and frozen.

Rendering runs as a job (``render_job``) once the unit of work commits: on RQ when Redis is
configured, inline otherwise. A failed render is recorded (``agreement.render_failed``);
``portal.awards.regeneration`` shows a failed or stuck render to staff, who regenerate it. The
signature block is ``portal.awards.signature_block``; dates are long and in the programme's zone
(``portal.pdf.dates``).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from portal.awards.amounts_in_words import figures, words
from portal.awards.jobs import enqueue_after_commit
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.i18n import locale_for
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot

log = logging.getLogger("portal.awards")
OWNER_TYPE = "agreement"
MB = 1024 * 1024
ISSUED_SLOT = DocumentSlot("agreement", "Agreement (PDF)", types=("pdf",), max_bytes=20 * MB)
SIGNED_SLOT = DocumentSlot(
    "signed_agreement", "Signed agreement (PDF)", types=("pdf",), max_bytes=20 * MB
)
SECTION_BREAK = "<!--section-->"
# Content with this "form" is laid out as a convenio (proemio, declaraciones, cláusulas); older
# content, issued before, keeps the summary layout (agreement_sections_summary.html).
LEGAL_FORM = "convenio"
RENDER_FAILED = "agreement.render_failed"


# Canonical content --------------------------------------------------------------------------
def canonical_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_of(award, number: str, version: int, language: str, issued_date) -> dict:
    """Every term of the agreement as JSON primitives (the thing whose hash is printed)."""
    from portal.awards.clauses import clauses, fill
    from portal.awards.legal_form import programme_party

    application = award.application
    organisation = application.organisation
    call = application.call
    programme = call.programme
    party = programme_party()
    return {
        "form": LEGAL_FORM,
        "number": number,
        "version": version,
        "language": language,
        "issued_date": issued_date.isoformat(),
        "programme": {
            "name_es": programme.name_es,
            "name_en": programme.name_en,
            "donor": programme.donor,
            **party,
        },
        "call": {"code": call.code, "title_es": call.title_es, "title_en": call.title_en},
        "grantee": {
            "legal_name": organisation.legal_name,
            "rfc": organisation.rfc,
            "legal_rep_name": organisation.legal_rep_name,
            "legal_rep_position": organisation.legal_rep_position or "",
            "address": organisation.address or "",
            "municipality": organisation.municipality or "",
            "state": _state_name(organisation.state_code),
            "postal_code": organisation.postal_code or "",
            "cluni": organisation.cluni or "",
            "is_donataria": bool(organisation.is_donataria),
        },
        "application": {"reference": application.reference, "title": application.title},
        "instrument": award.instrument,
        "amount": str(award.amount),
        "currency": award.currency,
        "start_date": award.start_date.isoformat(),
        "end_date": award.end_date.isoformat(),
        "milestones": [
            {
                "position": i + 1,
                "deliverable": m.deliverable,
                "verification": m.verification,
                "due_date": m.due_date.isoformat(),
                "amount": str(m.amount),
            }
            for i, m in enumerate(award.milestones)
        ],
        "commitments": [
            {
                "contributor_name": c.contributor_name,
                "nature": c.nature,
                "counts_as": c.counts_as,
                "amount": str(c.amount),
                "valuation_basis": c.valuation_basis or "",
            }
            for c in award.commitments
        ],
        "special_conditions": award.special_conditions or "",
        "advance_limit": str(award.advance_limit) if award.advance_limit else None,
        "clauses": [
            {
                "key": c.key,
                "title_es": c.title_es,
                "title_en": c.title_en,
                "body_es": fill(c.body_es, party["jurisdiction"]),
                "body_en": fill(c.body_en, party["jurisdiction"]),
            }
            for c in clauses()
        ],
    }


def _state_name(code: str | None) -> str:
    from portal.organisations.mexican_states import BY_INEGI

    state = BY_INEGI.get(code or "")
    return state.name if state else ""


def signed_content(agreement) -> dict:
    return {
        "agreement": agreement.number,
        "content_hash": agreement.content_hash,
        "signatures": [
            {
                "role": s.role,
                "typed_name": s.typed_name,
                "signed_dt": s.signed_dt.isoformat(),
                "content_hash": s.content_hash,
            }
            for s in agreement.signatures
        ],
    }


def verification_url(digest: str) -> str:
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    return f"{base}/verify/{digest}"


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)


# Rendering ----------------------------------------------------------------------------------
@dataclass
class View:
    """What the templates need, prepared in Python (the sandboxed template does no queries)."""

    content: dict
    digest: str
    url: str
    qr: str
    signatures: list
    signed: bool


def _amount_text(amount, currency, language) -> str:
    return f"{figures(amount, currency)} ({words(amount, currency, language)})"


def _sections(view: View, language: str) -> list[Markup]:
    from portal.awards.legal_form import legal_context
    from portal.pdf.render import render_html

    legal = view.content.get("form") == LEGAL_FORM
    with force_locale(locale_for(language)):
        html = render_html(
            "agreement_sections.html" if legal else "agreement_sections_summary.html",
            c=view.content,
            language=language,
            **legal_context(view.content, view.signatures, view.signed, language),
            amount_text=lambda a: _amount_text(a, view.content["currency"], language),
            fig=lambda a: figures(a, view.content["currency"]),
            schedule_total=sum(
                (Decimal(m["amount"]) for m in view.content["milestones"]), Decimal("0")
            ),
        )
    # The parts come from an autoescaping template: applicant text in them is escaped.
    return [Markup(part) for part in html.split(SECTION_BREAK) if part.strip()]  # noqa: S704


def render(agreement, signed: bool = False) -> bytes:
    from portal.pdf.render import html_to_pdf

    return html_to_pdf(html_of(agreement, signed))


def html_of(agreement, signed: bool = False) -> str:
    """The agreement's HTML as WeasyPrint lays it out (the tests inspect its layout too)."""
    from portal.awards.signature_block import signature_block
    from portal.pdf.render import render_html

    content = agreement.content
    digest = agreement.signed_content_hash if signed else agreement.content_hash
    url = verification_url(digest)
    view = View(content, digest, url, qr_data_uri(url), list(agreement.signatures), signed)
    language = content["language"]
    languages = ["es", "en"] if language == "bilingual" else [language]
    columns = [_sections(view, lang) for lang in languages]
    rows = list(zip(*columns, strict=True))
    with force_locale(locale_for(languages[0])):
        return render_html(
            "agreement.html",
            c=content,
            view=view,
            rows=rows,
            signatures=signature_block(
                view.content, view.signatures, signed=view.signed, languages=languages
            ),
            bilingual=len(languages) == 2,
            language=languages[0],
        )


# Storage ------------------------------------------------------------------------------------
@dataclass
class AgreementDocuments(DocumentOwner):
    award: object = None

    def can_view_documents(self, user) -> bool:
        from portal.awards.permissions import can_view

        return can_view(self.award, user)

    def can_upload_documents(self, user) -> bool:
        return False  # only the portal stores agreements


def owner_for(award) -> AgreementDocuments:
    return AgreementDocuments(
        owner_type=OWNER_TYPE,
        owner_id=award.id,
        title=award.application.reference or "",
        organisation_id=award.organisation_id,
        slots=(ISSUED_SLOT, SIGNED_SLOT),
        award=award,
    )


def _load_owner(owner_id: int):
    from portal.awards.models import Award

    award = db.session.get(Award, owner_id)
    return owner_for(award) if award is not None else None


def register() -> None:
    register_owner(OWNER_TYPE, _load_owner)


def store(award, slot: DocumentSlot, pdf: bytes, user, filename: str):
    from portal.documents.operations import receive_upload, start_upload

    document = start_upload(owner_for(award), slot, user, filename=filename)
    outcome = receive_upload(document, slot, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"agreement PDF refused by the documents capability: {outcome.message}")
    return document


def generate(agreement_id: int, signed: bool = False):
    """Render and store the issued (or the signed) PDF once; later calls do nothing. The row is
    locked while rendering, so a regeneration racing a slow job does not store two PDFs."""
    from portal.accounts.models import User
    from portal.audit.operations import record
    from portal.awards.models import Agreement

    # Lock the row alone (its eager joins cannot be locked on PostgreSQL), then read it fresh.
    locked = select(Agreement.id).where(Agreement.id == agreement_id).with_for_update()
    if db.session.scalar(locked) is None:
        return None
    agreement = db.session.get(Agreement, agreement_id, populate_existing=True)
    if (agreement.signed_document_id if signed else agreement.document_id) is not None:
        return agreement  # frozen: never rendered twice
    if signed and not agreement.signed_content_hash:
        return agreement
    user = db.session.get(User, agreement.issued_by_id)
    document = render_and_store(agreement, user, signed)
    record(
        "agreement.rendered",
        agreement,
        changes={"signed": signed, "document_id": document.id, "sha256": document.sha256},
        organisation_id=agreement.award.organisation_id,
        user=user,
    )
    return agreement


def render_and_store(agreement, user, signed: bool = False):
    """Render the PDF, store it through the documents capability and link it (flushes)."""
    pdf = render(agreement, signed=signed)
    slot = SIGNED_SLOT if signed else ISSUED_SLOT
    suffix = "-firmado" if signed else ""
    document = store(agreement.award, slot, pdf, user, f"{agreement.number}{suffix}.pdf")
    if signed:
        agreement.signed_document_id = document.id
        agreement.signed_file_sha256 = document.sha256
        agreement.frozen = True
    else:
        agreement.document_id = document.id
        agreement.file_sha256 = document.sha256
    db.session.flush()
    return document


def render_job(agreement_id: int, signed: bool = False) -> None:
    """Entry point of the background job (RQ, or inline after the request's commit). Commits
    its own work; a failure is rolled back, recorded (``agreement.render_failed``: staff see it
    on the award page at once) and raised again (RQ keeps the failed job)."""
    try:
        generate(agreement_id, signed)
        unit_of_work.commit()
    except Exception as exc:
        unit_of_work.discard()
        log.exception("rendering agreement %s (signed=%s) failed", agreement_id, signed)
        _record_failure(agreement_id, signed, exc)
        raise


def _record_failure(agreement_id: int, signed: bool, exc: Exception) -> None:
    from portal.audit.operations import record
    from portal.awards.models import Agreement

    try:
        agreement = db.session.get(Agreement, agreement_id)
        if agreement is None:
            return
        record(
            RENDER_FAILED,
            agreement,
            changes={"signed": signed, "error": type(exc).__name__},
            organisation_id=agreement.award.organisation_id,
        )
        unit_of_work.commit()
    except Exception:
        unit_of_work.discard()
        log.exception("recording the failed render of agreement %s failed", agreement_id)


def schedule_render(agreement, signed: bool = False) -> None:
    """Render once the current unit of work commits (the job must see the committed rows): on
    RQ when Redis is configured, inline otherwise."""
    enqueue_after_commit("portal.awards.agreement:render_job", agreement.id, signed)
