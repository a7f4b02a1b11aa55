"""The version chain of a grant: its signed agreement, then each amendment's document in order.

Each amendment's content includes the hash of the version it amends (``previous_hash``), so
``/verify/<hash>`` (``portal.awards.verify_views``) shows the whole chain: every link is
recomputed from its stored content (and signatures) and checked against the link before it,
and the last link in effect is the current version. Nothing personal is shown (numbers,
statuses, dates and hashes only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from portal.awards.agreement import canonical_json, sha256_hex
from portal.awards.agreement import signed_content as agreement_signed_content
from portal.awards.amendments import document
from portal.awards.amendments.constants import AmendmentStatus
from portal.awards.amendments.document_models import AmendmentDocument
from portal.awards.amendments.models import Amendment
from portal.core.db import db


@dataclass
class Link:
    kind: str  # "agreement" or "amendment"
    number: str
    status: str  # the label
    issued: date | datetime
    digest: str  # the signed content hash, or the content hash while unsigned
    in_effect: bool
    verified: bool
    current: bool = False
    amendment_id: int | None = None
    changes: list | None = None  # the amendment's change lines, in the page's language


def find(digest: str) -> tuple[AmendmentDocument | None, str | None]:
    """The amendment document with this hash and what the hash identifies."""
    version = db.session.scalar(
        select(AmendmentDocument)
        .where(
            or_(
                AmendmentDocument.content_hash == digest,
                AmendmentDocument.file_sha256 == digest,
                AmendmentDocument.signed_content_hash == digest,
                AmendmentDocument.signed_file_sha256 == digest,
            )
        )
        .limit(1)
    )
    if version is None:
        return None, None
    kind = {
        version.content_hash: "content",
        version.file_sha256: "file",
        version.signed_content_hash: "signed_content",
        version.signed_file_sha256: "signed_file",
    }.get(digest)
    return version, kind


def _agreement_link(agreement) -> Link:
    intact = bool(agreement.content) and (
        sha256_hex(canonical_json(agreement.content)) == agreement.content_hash
    )
    if agreement.signed_content_hash:
        signed = sha256_hex(canonical_json(agreement_signed_content(agreement)))
        intact = intact and signed == agreement.signed_content_hash
    return Link(
        "agreement",
        agreement.number,
        agreement.status_enum.label,
        agreement.issued_dt,
        document.agreement_hash(agreement),
        True,
        intact,
    )


def _amendment_link(version: AmendmentDocument, previous: Link | None, language: str) -> Link:
    amendment = version.amendment
    intact = document.content_intact(version)
    intact = intact and previous is not None and version.previous_hash == previous.digest
    if version.signed_content_hash:
        signed = sha256_hex(canonical_json(document.signed_content(version)))
        intact = intact and signed == version.signed_content_hash
    changes = version.content.get("changes") or {}
    return Link(
        "amendment",
        version.content.get("reference", ""),
        amendment.status_enum.label,
        version.issued_dt,
        version.signed_content_hash or version.content_hash,
        amendment.status == AmendmentStatus.IN_EFFECT,
        intact,
        amendment_id=amendment.id,
        changes=changes.get(language) or next(iter(changes.values()), []),
    )


def chain_of(award, language: str = "es") -> list[Link]:
    """The agreement in force, then every amendment with a document (approved or later)."""
    agreement = document.signed_agreement(award)
    if agreement is None:
        return []
    links = [_agreement_link(agreement)]
    versions = db.session.scalars(
        select(AmendmentDocument)
        .join(Amendment, Amendment.id == AmendmentDocument.amendment_id)
        .where(Amendment.award_id == award.id)
        .order_by(Amendment.number)
    ).all()
    last_in_effect = links[0]
    for version in versions:
        link = _amendment_link(version, last_in_effect, language)
        links.append(link)
        if link.in_effect:
            last_in_effect = link
    last_in_effect.current = True
    return links
