"""Verification, file names and record constraints, without HTTP."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.exc import IntegrityError

from portal.core.db import db, now_utc
from portal.documents.filenames import content_disposition, download_name, sanitise
from portal.documents.models import Document
from portal.documents.rejections import Rejected, message_for
from portal.documents.types import DocumentSlot
from portal.documents.verification import verify
from tests.documents import samples

ANY = DocumentSlot("any", "Any")


def _verify(data: bytes, slot: DocumentSlot = ANY) -> str:
    return verify(io.BytesIO(data), size=len(data), slot=slot)


def _code(data: bytes, slot: DocumentSlot = ANY) -> str:
    with pytest.raises(Rejected) as caught:
        _verify(data, slot)
    return caught.value.code


@pytest.mark.parametrize("kind", sorted(samples.ALL_VALID))
def test_valid_samples_are_detected_from_their_bytes(app, ctx, kind):
    _name, build, mime = samples.ALL_VALID[kind]
    assert _verify(build()) == mime


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (samples.html_as_pdf, "malformed"),
        (samples.html_page, "wrong_type"),
        (samples.exe, "wrong_type"),
        (samples.docm, "macros"),
        (samples.docx_with_vba, "macros"),
        (samples.plain_zip, "wrong_type"),
        (lambda: b"", "empty"),
        (lambda: samples.pdf()[:-8], "malformed"),  # truncated: no %%EOF
        (lambda: b"PK\x03\x04" + b"\0" * 100, "malformed"),
        (lambda: b"Concepto,Monto\n\x00\x01\x02binario\n", "wrong_type"),
    ],
)
def test_hostile_or_broken_files(app, ctx, build, code):
    assert _code(build()) == code


def test_pdf_with_html_after_a_long_binary_prefix(app, ctx):
    data = samples.pdf()
    tampered = data.replace(b"%%EOF", b"<script>alert(1)</script>\n%%EOF")
    assert _code(tampered) == "malformed"


def test_zip_limits(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_ZIP_MAX_UNCOMPRESSED", 1024 * 1024)
    assert _code(samples.zip_bomb(2 * 1024 * 1024)) == "archive_too_large"
    monkeypatch.setitem(app.config, "DOCUMENT_ZIP_MAX_ENTRIES", 10)
    assert _code(samples.many_entries(20)) == "archive_too_large"


def test_zip_whose_headers_lie_about_sizes(app, ctx, monkeypatch):
    """The declared sizes are small; the real expansion is counted while decompressing."""
    monkeypatch.setitem(app.config, "DOCUMENT_ZIP_MAX_UNCOMPRESSED", 1024 * 1024)
    bomb = bytearray(samples.zip_bomb(2 * 1024 * 1024))
    # Patch the central directory's uncompressed size of the padding part to 1 byte.
    name = b"word/media/padding.bin"
    at = bomb.rfind(b"PK\x01\x02", 0, bomb.rfind(name))
    assert at > 0
    bomb[at + 24 : at + 28] = (1).to_bytes(4, "little")
    assert _code(bytes(bomb)) in ("archive_too_large", "malformed")


def test_csv_in_windows_1252_is_accepted(app, ctx):
    data = "Concepto,Monto\nPapelería,10\n".encode("cp1252")
    assert _verify(data) == "text/csv"


def test_slot_allowlist_and_limit(app, ctx):
    pdf_only = DocumentSlot("acta", "Acta", types=("pdf",), max_bytes=1000)
    assert _code(samples.png(), pdf_only) == "wrong_type"
    assert _code(samples.pdf(padding=2000), pdf_only) == "too_large"
    assert _verify(samples.pdf(), pdf_only) == "application/pdf"


def test_slot_limit_never_exceeds_the_portal_limit(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 500)
    assert DocumentSlot("big", "Big", max_bytes=10_000).limit == 500
    assert DocumentSlot("small", "Small", max_bytes=100).limit == 100


def test_unknown_type_key_in_a_slot_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown file types"):
        DocumentSlot("x", "X", types=("exe",))


def test_messages_have_their_parameters(app, ctx):
    assert (
        message_for("too_large", limit="25 MB") == "The file is larger than the 25 MB allowed here."
    )
    assert "PDF" in Rejected("malformed", type="PDF").message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\ana\\Documents\\Carta compromiso.pdf", "Carta compromiso.pdf"),
        ("../../etc/passwd", "passwd"),
        ("acta\x00constitutiva.pdf", "acta_constitutiva.pdf"),
        ("  Año   fiscal  2026 .xlsx ", "Año fiscal 2026 .xlsx"),
        ('<script>"x".pdf', "script_x_.pdf"),
        ("....", ""),
        ("Acci\u00f3ne\u0301.pdf", "Acci\u00f3n\u00e9.pdf"),  # decomposed accent -> NFC
    ],
)
def test_sanitise(raw, clean):
    assert sanitise(raw) == clean


def test_long_names_keep_their_extension():
    name = sanitise("x" * 500 + ".docx")
    assert len(name) <= 200 and name.endswith(".docx")


def test_download_name_and_disposition():
    assert download_name("factura", "application/pdf") == "factura.pdf"
    assert download_name("foto.JPEG", "image/jpeg") == "foto.JPEG"
    assert download_name("", "image/png", "logo") == "logo.png"
    header = content_disposition('Convenio "final" año.pdf')
    assert header.startswith('attachment; filename="Convenio _final_ ano.pdf";')
    assert header.endswith("filename*=UTF-8''Convenio%20%22final%22%20a%C3%B1o.pdf")


# Record constraints ---------------------------------------------------------------------------
def _record(personas, **overrides) -> Document:
    import uuid

    values = {
        "owner_type": "organisation",
        "owner_id": personas["org_a"].id,
        "slot": "other",
        "organisation_id": personas["org_a"].id,
        "uploaded_by_id": personas["applicant"].id,
        "original_name": "a.pdf",
        "storage_backend": "local",
        "storage_key": f"documents/{uuid.uuid4().hex}",
        "quarantine_key": f"quarantine/{uuid.uuid4().hex}",
        "status": "clean",
        "version": 1,
        "content_type": "application/pdf",
        "size": 10,
        "sha256": "0" * 64,
        "finalized_dt": now_utc(),
    }
    values.update(overrides)
    return Document(**values)


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "pending"},  # a version number only for clean documents
        {"version": None},  # ...and always for them
        {"version": 0},
        {"status": "unknown", "version": None},
        {"sha256": None},
        {"size": 0},
        {"status": "rejected", "version": None, "rejection_code": None},
        {"status": "pending", "version": None, "deleted_dt": now_utc()},
        {"storage_backend": "ftp"},
    ],
)
def test_named_constraints(connection, personas, overrides):
    db.session.add(_record(personas, **overrides))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_record_per_version_of_a_slot(connection, personas):
    db.session.add(_record(personas))
    db.session.flush()
    db.session.add(_record(personas))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
