"""The application as a reviewer reads it: answers, budget and documents, read-only.

With a blind panel nothing that names the applicant reaches the template: no organisation,
RFC or members, no uploader, and documents are listed as "Document 1", "Document 2"… (the
download uses the same neutral name). A co-finance contribution from the applicant itself is
shown as "The applicant"; commitment letters are numbered instead of naming the contributor.
The data comes from the applications package (``acknowledgement.context``), then is filtered.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from portal.applications.acknowledgement import context as application_context
from portal.applications.constants import ACKNOWLEDGEMENT_SLOT, COMMITMENT_SLOT_PREFIX
from portal.applications.operations import current_documents, load_full
from portal.documents.filenames import download_name
from portal.documents.types import BY_MIME


@dataclass(frozen=True)
class FileEntry:
    number: int
    slot_label: str
    name: str  # the file name, or "Document n" when blind
    document_id: int
    size: int
    content_type: str
    sha256: str


@dataclass(frozen=True)
class SourceEntry:
    contributor: str
    contributor_label: str
    nature_label: str
    counts_as_label: str
    amount: object
    valuation_basis: str | None


def reviewable_documents(application) -> list:
    """(slot key, document) of the current documents a reviewer may read, in a stable order
    (the acknowledgement is the portal's receipt, not part of the proposal)."""
    documents = current_documents(application)
    return sorted(
        ((k, d) for k, d in documents.items() if k != ACKNOWLEDGEMENT_SLOT),
        key=lambda pair: (pair[0].startswith(COMMITMENT_SLOT_PREFIX), pair[0], pair[1].id),
    )


def blind_name(number: int, content_type: str | None) -> str:
    file_type = BY_MIME.get(content_type or "")
    extension = file_type.extension if file_type else ""
    return _("Document %(n)s", n=number) + extension


def present(application_id: int, blind: bool) -> dict:
    application = load_full(application_id)
    docs = reviewable_documents(application)
    ctx = application_context(application, dict(docs))
    labels = {f["document"].id: f["slot"] for f in ctx["files"]}
    files = []
    letters = 0
    for number, (slot, doc) in enumerate(docs, start=1):
        label = labels.get(doc.id, slot)
        if blind and slot.startswith(COMMITMENT_SLOT_PREFIX):
            letters += 1
            label = _("Commitment letter %(n)s", n=letters)
        files.append(
            FileEntry(
                number=number,
                slot_label=label,
                name=blind_name(number, doc.content_type)
                if blind
                else download_name(doc.original_name, doc.content_type, doc.slot),
                document_id=doc.id,
                size=doc.size or 0,
                content_type=doc.content_type or "",
                sha256=doc.sha256 or "",
            )
        )
    return {
        "application": application,
        "blind": blind,
        "organisation": None if blind else application.organisation,
        "questions": ctx["questions"],
        "files": files,
        "lines": ctx["lines"],
        "sources": [_source(s, blind) for s in ctx["sources"]],
        "totals": ctx["totals"],
        "categories": ctx["categories"],
    }


def _source(source, blind: bool) -> SourceEntry:
    name, label = source.contributor_name, str(source.contributor_label)
    if blind and source.contributor_type == "applicant":
        name, label = _("The applicant"), ""  # not "The applicant (The applicant itself)"
    return SourceEntry(
        contributor=name,
        contributor_label=label,
        nature_label=str(source.nature_label),
        counts_as_label=str(source.counts_as_label),
        amount=source.amount,
        valuation_basis=source.valuation_basis,
    )


def file_for(presented: dict, document_id: int) -> FileEntry | None:
    return next((f for f in presented["files"] if f.document_id == document_id), None)
