"""Document business logic: upload slots, finalize (verify + version), soft delete, downloads.

Operations flush and write audit entries; they never commit. A document's status changes only
through ``DOCUMENT.move`` (portal/documents/states.py), which writes its audit entry. The owning
domain passes its ``DocumentOwner`` and ``DocumentSlot``; permission checks happen in the views.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.documents.filenames import download_name, sanitise
from portal.documents.models import Document, DocumentStatus
from portal.documents.owners import DocumentOwner
from portal.documents.rejections import Rejected, human_size
from portal.documents.scanner import scan
from portal.documents.states import DOCUMENT
from portal.documents.storage import Storage, TooLarge, get_storage
from portal.documents.storage.base import ObjectChanged
from portal.documents.types import DocumentSlot
from portal.documents.verification import check_size, sha256_of, verify

OCTET_STREAM = "application/octet-stream"
_MIME = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,49}/[a-z0-9][a-z0-9.+-]{0,49}$")


@dataclass
class Outcome:
    """What became of an upload: accepted (``rejection`` is None) or refused, and why."""

    document: Document
    rejection: Rejected | None = None

    @property
    def ok(self) -> bool:
        return self.rejection is None

    @property
    def message(self) -> str | None:
        return self.rejection.message if self.rejection else None


def storage_for(document: Document) -> Storage:
    return get_storage(document.storage_backend)


def _new_key(prefix: str) -> str:
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}"


def clean_declared_type(value: str | None) -> str:
    """The browser's claimed type, only used to sign the S3 upload (never trusted)."""
    value = (value or "").strip().lower()
    return value if _MIME.match(value) else OCTET_STREAM


# Uploading --------------------------------------------------------------------------------
def start_upload(
    owner: DocumentOwner,
    slot: DocumentSlot,
    user,
    *,
    filename: str | None = "",
    declared_type: str | None = None,
) -> Document:
    """Create the pending record (the upload slot) with its generated keys."""
    config = current_app.config
    document = Document(
        owner_type=owner.owner_type,
        owner_id=owner.owner_id,
        slot=slot.key,
        organisation_id=owner.organisation_id,
        uploaded_by_id=user.id,
        original_name=sanitise(filename),
        storage_backend=get_storage().name,
        storage_key=_new_key(config["DOCUMENT_PREFIX"]),
        quarantine_key=_new_key(config["DOCUMENT_QUARANTINE_PREFIX"]),
        declared_type=clean_declared_type(declared_type),
        status=DocumentStatus.PENDING.value,
        created_dt=now_utc(),
    )
    db.session.add(document)
    db.session.flush()
    return document


def upload_form(document: Document, slot: DocumentSlot, redirect_url: str | None = None) -> dict:
    """The presigned POST (URL and fields) for a pending record on a direct-upload backend."""
    return storage_for(document).upload_form(
        document.quarantine_key,
        content_type=document.declared_type or OCTET_STREAM,
        max_bytes=slot.limit,
        redirect_url=redirect_url,
    )


def upload_file(owner: DocumentOwner, slot: DocumentSlot, user, file) -> Outcome:
    """Through-the-app upload (local backend): ``file`` is a werkzeug ``FileStorage``."""
    document = start_upload(owner, slot, user, filename=file.filename, declared_type=file.mimetype)
    return receive_upload(document, slot, file.stream)


def receive_upload(document: Document, slot: DocumentSlot, stream) -> Outcome:
    """Stream the bytes into quarantine (hashing as they are written), then finalize."""
    storage = storage_for(document)
    try:
        received = storage.save(document.quarantine_key, stream, max_bytes=slot.limit)
    except TooLarge:
        return _reject(document, storage, Rejected("too_large", limit=human_size(slot.limit)))
    return finalize_upload(document, slot, received=received)


def finalize_upload(
    document: Document, slot: DocumentSlot, *, received: tuple[int, str] | None = None
) -> Outcome:
    """Verify the quarantined object; accept it as the slot's next version or refuse it.

    ``received`` is (size, sha256) as written by the portal itself; a different object in
    quarantine means it was changed and is refused.
    """
    if not document.is_pending:
        raise ValueError(f"{document!r} is not pending")
    storage = storage_for(document)
    try:
        _verify_and_promote(document, slot, storage, received)
    except Rejected as rejection:
        return _reject(document, storage, rejection)
    _assign_version(document)
    return Outcome(document)


def _verify_and_promote(document, slot, storage: Storage, received) -> None:
    info = storage.info(document.quarantine_key)
    if info is None:
        raise Rejected("not_received")
    check_size(info.size, slot)  # refuse before reading anything
    with storage.open(document.quarantine_key) as (fileobj, token):
        size, sha256 = sha256_of(fileobj)
        if received is not None and received != (size, sha256):
            raise Rejected("tampered")
        content_type = verify(fileobj, size=size, slot=slot)
        scan(fileobj, content_type=content_type, size=size, sha256=sha256)
    try:
        storage.promote(document.quarantine_key, document.storage_key, content_type, if_match=token)
    except ObjectChanged:
        raise Rejected("tampered") from None
    document.content_type = content_type
    document.size = size
    document.sha256 = sha256
    document.finalized_dt = now_utc()
    if not document.original_name:
        document.original_name = download_name(document.slot, content_type)


def _assign_version(document: Document, attempts: int = 5) -> None:
    """Number the new version max+1 and accept it (clean); a concurrent upload to the same slot
    makes us retry (the savepoint's rollback also drops its audit entry)."""
    for _ in range(attempts):
        latest = db.session.scalar(
            select(func.max(Document.version)).where(
                Document.owner_type == document.owner_type,
                Document.owner_id == document.owner_id,
                Document.slot == document.slot,
            )
        )
        try:
            with db.session.begin_nested():
                document.version = (latest or 0) + 1
                DOCUMENT.move(
                    document,
                    "accept",
                    changes={
                        "slot": document.slot,
                        "version": document.version,
                        "name": document.original_name,
                        "content_type": document.content_type,
                        "size": document.size,
                        "sha256": document.sha256,
                    },
                    organisation_id=document.organisation_id,
                )
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not number a new version of {document!r}")


def _reject(document: Document, storage: Storage, rejection: Rejected) -> Outcome:
    """Drop the quarantined object and record why."""
    storage.delete(document.quarantine_key)
    document.rejection_code = rejection.code
    document.finalized_dt = now_utc()
    DOCUMENT.move(
        document,
        "reject",
        changes={"slot": document.slot, "name": document.original_name, "reason": rejection.code},
        organisation_id=document.organisation_id,
    )
    db.session.flush()
    return Outcome(document, rejection)


def expire_upload(document: Document) -> Outcome:
    """A pending upload nobody finalized (housekeeping)."""
    return _reject(document, storage_for(document), Rejected("expired"))


# Deleting and downloading -----------------------------------------------------------------
def delete_document(document: Document, user) -> None:
    """Soft delete: the version disappears from lists; its object stays in storage."""
    if not document.is_available:
        raise ValueError(f"{document!r} cannot be deleted")
    document.deleted_dt = now_utc()
    document.deleted_by_id = user.id
    db.session.flush()
    record(
        "document.deleted",
        document,
        changes={"slot": document.slot, "version": document.version},
        organisation_id=document.organisation_id,
    )


def record_download(document: Document) -> None:
    record(
        "document.downloaded",
        document,
        changes={"slot": document.slot, "version": document.version},
        organisation_id=document.organisation_id,
    )


def download_response(document: Document):
    return storage_for(document).download(
        document.storage_key,
        filename=download_name(document.original_name, document.content_type, document.slot),
        content_type=document.content_type,
    )


# Reading ------------------------------------------------------------------------------------
@dataclass
class SlotListing:
    slot: DocumentSlot
    current: Document | None = None
    earlier: list[Document] = field(default_factory=list)


def available_documents(owner_type: str, owner_id: int, slot: str | None = None) -> list[Document]:
    """Clean, not deleted versions, newest first (uploader loaded)."""
    stmt = (
        select(Document)
        .options(selectinload(Document.uploaded_by))
        .where(
            Document.owner_type == owner_type,
            Document.owner_id == owner_id,
            Document.status == DocumentStatus.CLEAN.value,
            Document.deleted_dt.is_(None),
        )
        .order_by(Document.slot, Document.version.desc())
    )
    if slot is not None:
        stmt = stmt.where(Document.slot == slot)
    return list(db.session.scalars(stmt))


def latest(owner_type: str, owner_id: int, slot: str) -> Document | None:
    found = available_documents(owner_type, owner_id, slot)
    return found[0] if found else None


def listing(owner: DocumentOwner) -> list[SlotListing]:
    """Every slot of ``owner`` with its current version and the earlier ones (one query)."""
    by_slot: dict[str, list[Document]] = defaultdict(list)
    for document in available_documents(owner.owner_type, owner.owner_id):
        by_slot[document.slot].append(document)
    return [
        SlotListing(slot, (by_slot[slot.key] or [None])[0], by_slot[slot.key][1:])
        for slot in owner.slots
    ]


def missing_mandatory(owner: DocumentOwner) -> list[DocumentSlot]:
    """Mandatory slots without a current document (for completeness checks elsewhere)."""
    return [entry.slot for entry in listing(owner) if entry.slot.mandatory and not entry.current]
