"""Checks an uploaded object before it is accepted.

The type comes from the bytes (libmagic through python-magic), never from the name or the
browser's claim. Sniffing is necessary, not sufficient: libmagic calls ``%PDF-1.4`` followed by
HTML a PDF, so PDFs also get a structural check; ZIP-based Office files are opened to refuse
macros and archives that expand past a limit. Downloads are always attachments with ``nosniff``.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from typing import BinaryIO

import magic
from defusedxml import ElementTree
from flask import current_app

from portal.documents.rejections import Rejected, human_size
from portal.documents.types import FILE_TYPES, DocumentSlot

SNIFF_BYTES = 8192
SCAN_WINDOW = 64 * 1024
CHUNK = 64 * 1024
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ZIP_SNIFFED = {
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    FILE_TYPES["docx"].mime,
    FILE_TYPES["xlsx"].mime,
}
TEXT_SNIFFED = {"text/plain", "text/csv", "application/csv"}
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|meta|svg|object|embed)[\s>/]",
    re.IGNORECASE,
)


def sha256_of(fileobj: BinaryIO) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    fileobj.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := fileobj.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def check_size(size: int, slot: DocumentSlot) -> None:
    if size == 0:
        raise Rejected("empty")
    if size > slot.limit:
        raise Rejected("too_large", limit=human_size(slot.limit))


def verify(fileobj: BinaryIO, *, size: int, slot: DocumentSlot) -> str:
    """Return the content type detected from the bytes, or raise ``Rejected``."""
    check_size(size, slot)
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    sniffed = magic.from_buffer(head, mime=True)
    if head.startswith(b"PK\x03\x04") and sniffed in ZIP_SNIFFED:
        content_type = _inspect_office(fileobj)
    elif sniffed in TEXT_SNIFFED and "csv" in slot.types:
        content_type = _check_csv(fileobj)
    else:
        content_type = sniffed
    if not slot.allows(content_type):
        raise Rejected("wrong_type", types=", ".join(str(t.label) for t in slot.file_types))
    if content_type == FILE_TYPES["pdf"].mime:
        _check_pdf(fileobj, size)
    return content_type


# PDF -----------------------------------------------------------------------------------
def _check_pdf(fileobj: BinaryIO, size: int) -> None:
    """A real PDF starts with its header, ends with ``%%EOF`` and holds no HTML markup."""
    fileobj.seek(0)
    head = fileobj.read(SCAN_WINDOW)
    fileobj.seek(max(0, size - SCAN_WINDOW))
    tail = fileobj.read()
    header_at = head.find(b"%PDF-")
    if header_at < 0 or header_at > 1024 or head[:header_at].strip(b"\xef\xbb\xbf \t\r\n"):
        raise Rejected("malformed", type="PDF")
    if b"%%EOF" not in tail[-2048:]:
        raise Rejected("malformed", type="PDF")
    if HTML_MARKERS.search(head) or HTML_MARKERS.search(tail):
        raise Rejected("malformed", type="PDF")


# CSV -----------------------------------------------------------------------------------
def _check_csv(fileobj: BinaryIO) -> str:
    """Plain text in UTF-8 or Windows-1252 (Excel's export in Mexico), no binary, no markup."""
    fileobj.seek(0)
    head = fileobj.read(SCAN_WINDOW)
    if b"\0" in head or HTML_MARKERS.search(head):
        raise Rejected("malformed", type="CSV")
    sample = head[: len(head) - 4] if len(head) == SCAN_WINDOW else head  # may cut a character
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return FILE_TYPES["csv"].mime
    raise Rejected("malformed", type="CSV")


# Office (ZIP) -----------------------------------------------------------------------------
def _inspect_office(fileobj: BinaryIO) -> str:
    """Identify .docx/.xlsx from ``[Content_Types].xml``; refuse macros and zip bombs."""
    limits = current_app.config
    max_entries = limits["DOCUMENT_ZIP_MAX_ENTRIES"]
    max_total = limits["DOCUMENT_ZIP_MAX_UNCOMPRESSED"]
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Rejected("malformed", type="Office") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries or sum(e.file_size for e in entries) > max_total:
            raise Rejected("archive_too_large")
        if any(_is_macro_part(e.filename) for e in entries):
            raise Rejected("macros")
        content_types = _content_types(archive)
        if any(_is_macro_type(t) for t in content_types):
            raise Rejected("macros")
        _expand_all(archive, entries, max_total)
    found = {OOXML_MAIN[t] for t in content_types if t in OOXML_MAIN}
    if len(found) != 1:
        return "application/zip"
    return FILE_TYPES[found.pop()].mime


def _is_macro_part(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in lowered


def _is_macro_type(content_type: str) -> bool:
    lowered = content_type.lower()
    return "macroenabled" in lowered or "vbaproject" in lowered or "activex" in lowered


def _content_types(archive: zipfile.ZipFile) -> list[str]:
    try:
        with archive.open("[Content_Types].xml") as part:
            raw = part.read(1024 * 1024 + 1)
    except KeyError:
        return []
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        raise Rejected("malformed", type="Office") from None
    if len(raw) > 1024 * 1024:
        raise Rejected("archive_too_large")
    try:
        root = ElementTree.fromstring(raw)
    except Exception:  # defusedxml refuses entities; any parse error means a broken file
        raise Rejected("malformed", type="Office") from None
    return [el.get("ContentType", "") for el in root.iter() if el.get("ContentType")]


def _expand_all(archive: zipfile.ZipFile, entries, max_total: int) -> None:
    """Really decompress every part, counting bytes: headers can lie about sizes."""
    total = 0
    for entry in entries:
        try:
            with archive.open(entry) as part:
                while chunk := part.read(CHUNK):
                    total += len(chunk)
                    if total > max_total:
                        raise Rejected("archive_too_large")
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            NotImplementedError,
            EOFError,
            RuntimeError,
        ):
            raise Rejected("malformed", type="Office") from None
