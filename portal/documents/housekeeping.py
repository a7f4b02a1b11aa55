"""Housekeeping behind ``flask documents check``: stale quarantine, missing or altered objects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core.db import db, now_utc
from portal.documents.models import Document, DocumentStatus
from portal.documents.operations import expire_upload, storage_for
from portal.documents.storage import get_storage


@dataclass
class PurgeReport:
    removed_objects: list[str] = field(default_factory=list)
    expired_documents: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    document_id: int
    key: str
    problem: str


def purge_quarantine(older_than: timedelta, now: datetime | None = None) -> PurgeReport:
    """Delete quarantine objects older than ``older_than`` and expire their pending records.

    A finalized upload leaves quarantine at once, so anything older was never finalized.
    """
    cutoff = (now or now_utc()) - older_than
    report = PurgeReport()
    storage = get_storage()
    for obj in list(storage.list(current_app.config["DOCUMENT_QUARANTINE_PREFIX"])):
        if obj.modified < cutoff:
            storage.delete(obj.key)
            report.removed_objects.append(obj.key)
    stale = db.session.scalars(
        select(Document)
        .where(Document.status == DocumentStatus.PENDING.value, Document.created_dt < cutoff)
        .order_by(Document.id)
    )
    for document in stale:
        expire_upload(document)
        report.expired_documents.append(document.id)
    return report


def find_problems() -> Iterator[Problem]:
    """Accepted documents (deleted ones too: their objects must stay) whose object is
    missing, has another size, or no longer has the recorded SHA-256."""
    documents = db.session.scalars(
        select(Document)
        .where(Document.status == DocumentStatus.CLEAN.value)
        .order_by(Document.id)
        .execution_options(yield_per=200)
    )
    for document in documents:
        problem = _check(document)
        if problem:
            yield Problem(document.id, document.storage_key, problem)


def _check(document: Document) -> str | None:
    try:
        storage = storage_for(document)
        info = storage.info(document.storage_key)
        if info is None:
            return "missing"
        if info.size != document.size:
            return f"size {info.size} != recorded {document.size}"
        _size, sha256 = storage.checksum(document.storage_key)
    except Exception as error:  # report every unreadable object, keep checking the others
        return f"unreadable: {error}"
    if sha256 != document.sha256:
        return "sha256 mismatch"
    return None


class DocumentProblemsError(RuntimeError):
    """Stored documents are missing or altered (each one is logged)."""


def purge(hours: int | None = None) -> str:
    """Purge the quarantine (default age ``DOCUMENT_QUARANTINE_HOURS``) and commit."""
    from portal.core.unit_of_work import commit

    hours = hours or current_app.config["DOCUMENT_QUARANTINE_HOURS"]
    report = purge_quarantine(timedelta(hours=hours))
    commit()
    return (
        f"Quarantine: removed {len(report.removed_objects)} object(s) older than {hours} h; "
        f"expired {len(report.expired_documents)} unfinished upload(s)."
    )


def check_job(purge_first: bool = True, hours: int | None = None) -> str:
    """Job (the scheduler; the CLI prints each problem): purge, then verify every stored
    document; raises :class:`DocumentProblemsError` when any is missing or altered."""
    import logging

    log = logging.getLogger("portal.documents")
    purged = purge(hours) if purge_first else ""
    problems = 0
    for problem in find_problems():
        problems += 1
        log.warning("document %s (%s): %s", problem.document_id, problem.key, problem.problem)
    if problems:
        raise DocumentProblemsError(f"{problems} document(s) with problems.")
    return f"{purged} All stored documents present and intact.".strip()
