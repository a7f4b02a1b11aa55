"""The amendment document ("Convenio modificatorio número N al convenio …"): its canonical
content and hash in the version chain, the PDF (WeasyPrint, like the agreement) and storage.

``issue`` runs when a grants manager approves the amendment: it writes the content (parties from
the agreement, the justification, every change from what to what in each language of the
agreement, amounts in words), its ``previous_hash`` (the signed content hash of the version it
amends: the agreement for amendment 1, the previous amendment after) and ``content_hash`` over
all of it, then renders the PDF as a job once the request commits (``portal.awards.jobs``). A
failed render is audited (``amendment.render_failed``) and shown to staff on the amendment
page (``pending_render``), who regenerate it. After the countersignature the signed content
hash covers the content hash and both signatures, and the signed PDF is rendered once, frozen.

The hashing, QR code, amounts in words, signature block and PDF pipeline are the agreement's
(``portal.awards.agreement``, ``signature_block``, ``portal.pdf``).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from portal.awards.agreement import (
    LEGAL_FORM,
    canonical_json,
    qr_data_uri,
    sha256_hex,
    verification_url,
)
from portal.awards.amendments.constants import AmendmentStatus
from portal.awards.amendments.document_models import AmendmentDocument
from portal.awards.amendments.models import Amendment
from portal.awards.amounts_in_words import in_figures_and_words
from portal.awards.constants import AgreementStatus
from portal.awards.jobs import enqueue_after_commit
from portal.core import unit_of_work
from portal.core.db import db, now_utc
from portal.core.i18n import locale_for
from portal.documents.owners import DocumentOwner, register_owner
from portal.documents.types import DocumentSlot

log = logging.getLogger("portal.awards")
OWNER_TYPE = "amendment_document"  # the portal's PDFs; "amendment" holds the grantee's uploads
MB = 1024 * 1024
ISSUED_SLOT = DocumentSlot("amendment", "Amendment (PDF)", types=("pdf",), max_bytes=20 * MB)
SIGNED_SLOT = DocumentSlot(
    "signed_amendment", "Signed amendment (PDF)", types=("pdf",), max_bytes=20 * MB
)
SECTION_BREAK = "<!--section-->"
RENDER_FAILED = "amendment.render_failed"


# The chain ----------------------------------------------------------------------------------
def signed_agreement(award):
    """The agreement in force (signed by both parties), the first link of the chain."""
    from portal.awards.models import Agreement

    return db.session.scalar(
        select(Agreement)
        .where(Agreement.award_id == award.id, Agreement.status == AgreementStatus.ACTIVE.value)
        .order_by(Agreement.version.desc())
        .limit(1)
    )


def agreement_hash(agreement) -> str:
    """The agreement's signed content hash (its content hash for an agreement recorded as
    active without signatures, e.g. imported)."""
    return agreement.signed_content_hash or agreement.content_hash


def versions_in_effect(award) -> list[AmendmentDocument]:
    """The documents of the amendments in effect, in order (amendment 1 first)."""
    return list(
        db.session.scalars(
            select(AmendmentDocument)
            .join(Amendment, Amendment.id == AmendmentDocument.amendment_id)
            .where(
                Amendment.award_id == award.id,
                Amendment.status == AmendmentStatus.IN_EFFECT.value,
            )
            .order_by(Amendment.number)
        )
    )


def previous_version(award) -> tuple[str, str, str]:
    """(kind, number, signed content hash) of the current version: the last amendment in
    effect, or the signed agreement."""
    agreement = signed_agreement(award)
    if agreement is None:
        raise LookupError("an amendment needs a signed agreement")
    in_effect = versions_in_effect(award)
    if in_effect:
        last = in_effect[-1]
        return "amendment", last.content["reference"], last.signed_content_hash
    return "agreement", agreement.number, agreement_hash(agreement)


# Canonical content --------------------------------------------------------------------------
def _change_lines(amendment, language: str) -> list[dict]:
    from portal.awards.amendments import kinds

    with force_locale(locale_for(language)):
        lines = []
        for change in kinds.describe(amendment):
            line = {"label": str(change.label), "old": str(change.old), "new": str(change.new)}
            for side in ("old", "new"):
                amount = getattr(change, f"{side}_amount")
                if amount is not None:
                    line[side] = in_figures_and_words(amount, change.currency, language)
            lines.append(line)
        return lines


def content_of(amendment, agreement, previous: tuple[str, str, str], issued_date) -> dict:
    """Every term of the amendment as JSON primitives (its hash is printed in the footer)."""
    from portal.awards.agreement import content_of as agreement_content

    # The parties as they are today (the agreement's own content may predate a change).
    base = agreement_content(amendment.award, agreement.number, 0, "es", issued_date)
    language = agreement.language
    languages = ["es", "en"] if language == "bilingual" else [language]
    kind, number, digest = previous
    return {
        "form": LEGAL_FORM,
        "amendment": amendment.number,
        "reference": f"{agreement.number}-CM{amendment.number:02d}",
        "agreement_number": agreement.number,
        "language": language,
        "issued_date": issued_date.isoformat(),
        "previous": {"kind": kind, "number": number, "hash": digest},
        "programme": base["programme"],
        "grantee": base["grantee"],
        "application": base["application"],
        "kinds": list(amendment.kinds),
        "justification": amendment.justification,
        "changes": {lang: _change_lines(amendment, lang) for lang in languages},
    }


def signed_content(version: AmendmentDocument) -> dict:
    return {
        "amendment": version.content["reference"],
        "content_hash": version.content_hash,
        "previous_hash": version.previous_hash,
        "signatures": [
            {
                "role": s.role,
                "typed_name": s.typed_name,
                "signed_dt": s.signed_dt.isoformat(),
                "content_hash": s.content_hash,
            }
            for s in version.signatures
        ],
    }


def content_intact(version: AmendmentDocument) -> bool:
    """The stored content still gives the stored hash, and names the stored previous hash."""
    content = version.content or {}
    return (
        sha256_hex(canonical_json(content)) == version.content_hash
        and (content.get("previous") or {}).get("hash") == version.previous_hash
    )


def issue(amendment, user) -> AmendmentDocument:
    """Write the amendment document of an approved amendment and render it after the commit."""
    from portal.pdf.dates import programme_today

    award = amendment.award
    agreement = signed_agreement(award)
    previous = previous_version(award)
    content = content_of(amendment, agreement, previous, programme_today())
    version = AmendmentDocument(
        amendment_id=amendment.id,
        language=agreement.language,
        content=content,
        previous_hash=previous[2],
        content_hash=sha256_hex(canonical_json(content)),
        issued_by_id=user.id,
        issued_dt=now_utc(),
    )
    db.session.add(version)
    db.session.flush()
    schedule_render(version)
    return version


def versions_of(amendments) -> dict[int, AmendmentDocument]:
    """The documents of these amendments, by amendment id (one query)."""
    ids = [a.id for a in amendments]
    if not ids:
        return {}
    found = db.session.scalars(
        select(AmendmentDocument).where(AmendmentDocument.amendment_id.in_(ids))
    )
    return {v.amendment_id: v for v in found}


def version_of(amendment) -> AmendmentDocument | None:
    return db.session.scalar(
        select(AmendmentDocument).where(AmendmentDocument.amendment_id == amendment.id)
    )


# Rendering ----------------------------------------------------------------------------------
@dataclass
class View:
    content: dict
    digest: str
    url: str
    qr: str
    signed: bool


def _sections(version, content: dict, language: str, signed: bool) -> list[Markup]:
    from portal.awards.legal_form import legal_context
    from portal.pdf.render import render_html

    with force_locale(locale_for(language)):
        html = render_html(
            "amendment_sections.html",
            c=content,
            language=language,
            changes=content["changes"][language],
            **legal_context(content, list(version.signatures), signed, language),
        )
    # The parts come from an autoescaping template: applicant text in them is escaped.
    return [Markup(part) for part in html.split(SECTION_BREAK) if part.strip()]  # noqa: S704


def html_of(version: AmendmentDocument, signed: bool = False) -> str:
    from portal.awards.signature_block import signature_block
    from portal.pdf.render import render_html

    content = version.content
    digest = version.signed_content_hash if signed else version.content_hash
    url = verification_url(digest)
    view = View(content, digest, url, qr_data_uri(url), signed)
    language = content["language"]
    languages = ["es", "en"] if language == "bilingual" else [language]
    columns = [_sections(version, content, lang, signed) for lang in languages]
    rows = list(zip(*columns, strict=True))
    with force_locale(locale_for(languages[0])):
        return render_html(
            "amendment.html",
            c=content,
            view=view,
            rows=rows,
            signatures=signature_block(
                content, list(version.signatures), signed=signed, languages=languages
            ),
            bilingual=len(languages) == 2,
            language=languages[0],
        )


def render(version: AmendmentDocument, signed: bool = False) -> bytes:
    from portal.pdf.render import html_to_pdf

    return html_to_pdf(html_of(version, signed))


# Storage ------------------------------------------------------------------------------------
@dataclass
class AmendmentDocuments(DocumentOwner):
    award: object = None

    def can_view_documents(self, user) -> bool:
        from portal.awards.permissions import can_view

        return can_view(self.award, user)

    def can_upload_documents(self, user) -> bool:
        return False  # only the portal stores amendment documents


def owner_for(amendment) -> AmendmentDocuments:
    award = amendment.award
    return AmendmentDocuments(
        owner_type=OWNER_TYPE,
        owner_id=amendment.id,
        title=award.application.reference or "",
        organisation_id=award.organisation_id,
        slots=(ISSUED_SLOT, SIGNED_SLOT),
        award=award,
    )


def _load_owner(owner_id: int):
    amendment = db.session.get(Amendment, owner_id)
    return owner_for(amendment) if amendment is not None else None


def register() -> None:
    register_owner(OWNER_TYPE, _load_owner)


def store_pdf(version: AmendmentDocument, user, signed: bool = False):
    """Render, store and link the issued (or signed) PDF now (the demo seed; flushes)."""
    from portal.documents.operations import receive_upload, start_upload

    pdf = render(version, signed=signed)
    slot = SIGNED_SLOT if signed else ISSUED_SLOT
    suffix = "-firmado" if signed else ""
    owner = owner_for(version.amendment)
    filename = f"{version.content['reference']}{suffix}.pdf"
    document = start_upload(owner, slot, user, filename=filename)
    outcome = receive_upload(document, slot, io.BytesIO(pdf))
    if not outcome.ok:
        raise RuntimeError(f"amendment PDF refused by the documents capability: {outcome.message}")
    if signed:
        version.signed_document_id = document.id
        version.signed_file_sha256 = document.sha256
        version.frozen = True
    else:
        version.document_id = document.id
        version.file_sha256 = document.sha256
    db.session.flush()
    return document


def generate(version_id: int, signed: bool = False):
    """Render and store the issued (or signed) PDF once; later calls do nothing (the row is
    locked while rendering, so a regeneration racing a slow job stores one PDF)."""
    from portal.accounts.models import User
    from portal.audit.operations import record

    locked = select(AmendmentDocument.id).where(AmendmentDocument.id == version_id)
    if db.session.scalar(locked.with_for_update()) is None:
        return None
    version = db.session.get(AmendmentDocument, version_id, populate_existing=True)
    if (version.signed_document_id if signed else version.document_id) is not None:
        return version
    if signed and not version.signed_content_hash:
        return version
    user = db.session.get(User, version.issued_by_id)
    document = store_pdf(version, user, signed)
    record(
        "amendment.rendered",
        version.amendment,
        changes={"signed": signed, "document_id": document.id, "sha256": document.sha256},
        organisation_id=version.amendment.award.organisation_id,
        user=user,
    )
    return version


def render_job(version_id: int, signed: bool = False) -> None:
    """The background job: commits its own work; a failure is rolled back, audited
    (``amendment.render_failed``) and raised again."""
    try:
        generate(version_id, signed)
        unit_of_work.commit()
    except Exception as exc:
        unit_of_work.discard()
        log.exception("rendering amendment document %s (signed=%s) failed", version_id, signed)
        _record_failure(version_id, signed, exc)
        raise


def _record_failure(version_id: int, signed: bool, exc: Exception) -> None:
    from portal.audit.operations import record

    try:
        version = db.session.get(AmendmentDocument, version_id)
        if version is None:
            return
        record(
            RENDER_FAILED,
            version.amendment,
            changes={"signed": signed, "error": type(exc).__name__},
            organisation_id=version.amendment.award.organisation_id,
        )
        unit_of_work.commit()
    except Exception:
        unit_of_work.discard()
        log.exception("recording the failed render of amendment document %s failed", version_id)


def schedule_render(version: AmendmentDocument, signed: bool = False) -> None:
    enqueue_after_commit("portal.awards.amendments.document:render_job", version.id, signed)
