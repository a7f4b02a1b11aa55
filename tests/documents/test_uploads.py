"""Upload, verify, version, download and delete: the same behaviour on both backends."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.documents.storage import get_storage
from tests.documents import samples
from tests.documents.conftest import documents_of
from tests.support.forms import post_form


def _quarantine_is_empty_for(app, document) -> bool:
    with app.app_context():
        return get_storage(document.storage_backend).info(document.quarantine_key) is None


def _stored_bytes(app, document) -> bytes:
    with app.app_context():
        return b"".join(get_storage(document.storage_backend).iter_chunks(document.storage_key))


@pytest.mark.parametrize("kind", sorted(samples.ALL_VALID))
def test_every_default_type_is_accepted(app, backend, uploader, personas, kind):
    name, build, mime = samples.ALL_VALID[kind]
    data = build()
    status, body = uploader(personas["org_a"].id, name, data)
    assert status == 200, body
    assert body["ok"] is True
    [document] = documents_of(personas["org_a"].id)
    assert document.status == "clean"
    assert document.version == 1
    assert document.content_type == mime
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.original_name == name
    assert document.storage_backend == backend
    assert document.storage_key.startswith("documents/")
    assert name not in document.storage_key
    assert _stored_bytes(app, document) == data
    assert _quarantine_is_empty_for(app, document)


REJECTIONS = [
    ("empty", "vacio.pdf", lambda: b"", "The file is empty."),
    ("too_large", "grande.pdf", lambda: samples.pdf(padding=3000), "larger than"),
    ("wrong_type", "programa.pdf", samples.exe, "not accepted here"),
    ("renamed_html", "factura.pdf", samples.html_page, "not accepted here"),
    ("html_behind_pdf_header", "carta.pdf", samples.html_as_pdf, "not really a PDF"),
    ("macro_docm", "informe.docx", samples.docm, "macros"),
    ("vba_in_docx", "informe.docx", samples.docx_with_vba, "macros"),
    ("zip_bomb", "informe.docx", lambda: samples.zip_bomb(4 * 1024 * 1024), "expands"),
    ("too_many_parts", "informe.docx", lambda: samples.many_entries(60), "too many parts"),
    ("plain_zip", "archivo.zip", samples.plain_zip, "not accepted here"),
]


@pytest.fixture
def small_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", app.config["UPLOAD_MAX_BYTES"])
    monkeypatch.setitem(app.config, "DOCUMENT_ZIP_MAX_UNCOMPRESSED", 1024 * 1024)
    monkeypatch.setitem(app.config, "DOCUMENT_ZIP_MAX_ENTRIES", 50)


@pytest.mark.parametrize(
    ("case", "name", "build", "message"), REJECTIONS, ids=[r[0] for r in REJECTIONS]
)
def test_bad_files_are_refused_and_leave_nothing(
    app, backend, uploader, personas, small_limits, case, name, build, message
):
    data = build()
    if case == "too_large":
        app.config["UPLOAD_MAX_BYTES"] = 2048  # restored by small_limits' monkeypatch
    status, body = uploader(personas["org_a"].id, name, data)
    assert body["ok"] is False
    assert message in body["message"]
    if backend == "s3" and case in ("empty", "too_large"):
        # The declared size already fails at the intent step: no upload slot is created.
        assert status == 422
        assert documents_of(personas["org_a"].id) == []
        return
    assert status == 422
    [document] = documents_of(personas["org_a"].id)
    assert document.status == "rejected"
    assert document.version is None
    assert document.rejection_code
    assert _quarantine_is_empty_for(app, document)
    with app.app_context():
        assert get_storage(backend).info(document.storage_key) is None
    entry = db.session.scalar(select(AuditEntry).filter_by(action="document.rejected"))
    assert entry.organisation_id == personas["org_a"].id
    assert entry.changes["reason"] == document.rejection_code


def test_reupload_creates_a_new_version_and_keeps_the_old(app, backend, uploader, personas):
    org = personas["org_a"].id
    first, second = samples.pdf("uno"), samples.pdf("dos")
    assert uploader(org, "acta.pdf", first, slot="articles_of_incorporation")[0] == 200
    assert uploader(org, "acta-v2.pdf", second, slot="articles_of_incorporation")[0] == 200
    v1, v2 = documents_of(org, "articles_of_incorporation")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.storage_key != v2.storage_key
    assert _stored_bytes(app, v1) == first
    assert _stored_bytes(app, v2) == second
    page = uploader.client.get(f"/documents/organisation/{org}/").get_data(as_text=True)
    assert "acta-v2.pdf" in page and "Earlier versions (1)" in page and "acta.pdf" in page


def test_slot_allowlist_is_enforced(app, backend, uploader, personas):
    """The articles of incorporation slot takes PDFs only."""
    status, body = uploader(
        personas["org_a"].id, "acta.docx", samples.docx(), slot="articles_of_incorporation"
    )
    assert status == 422
    assert "Accepted types: PDF." in body["message"]


def test_download_is_an_attachment_with_the_stored_type(app, backend, uploader, personas):
    data = samples.pdf()
    uploader(personas["org_a"].id, "Carta compromiso año 2026.pdf", data)
    [document] = documents_of(personas["org_a"].id)
    response = uploader.client.get(f"/documents/{document.id}/download")
    if backend == "s3":
        assert response.status_code == 302
        return  # followed over HTTP in test_s3.py
    assert response.status_code == 200
    assert response.get_data() == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Carta%20compromiso%20a%C3%B1o%202026.pdf" in disposition
    entry = db.session.scalar(select(AuditEntry).filter_by(action="document.downloaded"))
    assert entry.object_id == str(document.id)
    assert entry.organisation_id == personas["org_a"].id


def test_download_name_gets_the_detected_extension(app, backend, uploader, personas):
    uploader(personas["org_a"].id, "malicioso.html", samples.pdf())
    [document] = documents_of(personas["org_a"].id)
    assert document.content_type == "application/pdf"
    response = uploader.client.get(f"/documents/{document.id}/download")
    if backend == "local":
        assert "malicioso.html.pdf" in response.headers["Content-Disposition"]
    else:
        assert "malicioso.html.pdf" in response.headers["Location"]


def test_soft_delete_hides_the_version_and_keeps_the_object(app, backend, uploader, personas):
    org = personas["org_a"].id
    uploader(org, "uno.pdf", samples.pdf("1"))
    uploader(org, "dos.pdf", samples.pdf("2"))
    _v1, v2 = documents_of(org)
    response = post_form(
        uploader.client, f"/documents/{v2.id}/delete", form_url=f"/documents/organisation/{org}/"
    )
    assert response.status_code == 302
    v2 = db.session.get(type(v2), v2.id)
    assert v2.deleted_dt is not None
    assert _stored_bytes(app, v2) == samples.pdf("2")
    assert uploader.client.get(f"/documents/{v2.id}/download").status_code == 404
    page = uploader.client.get(f"/documents/organisation/{org}/").get_data(as_text=True)
    assert "uno.pdf" in page and "dos.pdf" not in page
    # A new upload does not reuse the deleted version's number.
    uploader(org, "tres.pdf", samples.pdf("3"))
    assert [d.version for d in documents_of(org)] == [1, 2, 3]
    assert db.session.scalar(select(AuditEntry).filter_by(action="document.deleted"))


def test_upload_and_rejection_are_audited(app, backend, uploader, personas):
    uploader(personas["org_a"].id, "ok.png", samples.png())
    entry = db.session.scalar(select(AuditEntry).filter_by(action="document.uploaded"))
    assert entry.organisation_id == personas["org_a"].id
    assert entry.user_id == personas["applicant"].id
    assert entry.changes["sha256"] == hashlib.sha256(samples.png()).hexdigest()


def test_scanner_hook_can_refuse(app, backend, uploader, personas, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_SCANNER", "tests.documents.scanners:refuse_eicar")
    status, body = uploader(personas["org_a"].id, "virus.csv", b"a,b\nEICAR,1\n")
    assert status == 422
    assert "security scan" in body["message"]
    assert uploader(personas["org_a"].id, "bien.csv", samples.csv())[0] == 200


def test_a_failing_scanner_refuses_rather_than_accepts(
    app, backend, uploader, personas, monkeypatch
):
    monkeypatch.setitem(app.config, "DOCUMENT_SCANNER", "tests.documents.scanners:broken")
    status, body = uploader(personas["org_a"].id, "a.pdf", samples.pdf())
    assert status == 422
    assert "could not be checked" in body["message"]


def test_form_upload_without_javascript(app, applicant_client, personas):
    """Local backend, plain multipart form: redirect and a flash message."""
    import io

    url = f"/documents/organisation/{personas['org_a'].id}/other/upload"
    response = post_form(
        applicant_client,
        url,
        {"file": (io.BytesIO(samples.pdf()), "carta.pdf")},
        form_url=url,
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "was checked and saved as version 1" in page
    response = post_form(applicant_client, url, {}, form_url=url)
    assert response.status_code == 200
    assert "Choose a file to upload." in response.get_data(as_text=True)
    response = post_form(
        applicant_client,
        url,
        {"file": (io.BytesIO(b""), "vacio.pdf")},
        form_url=url,
        follow_redirects=True,
    )
    assert "The file is empty." in response.get_data(as_text=True)


def test_body_over_max_content_length_gets_a_clear_message(
    app, applicant_client, personas, monkeypatch
):
    import io

    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    url = f"/documents/organisation/{personas['org_a'].id}/other/upload"
    response = post_form(
        applicant_client,
        url,
        {"file": (io.BytesIO(samples.pdf(padding=8000)), "grande.pdf")},
        form_url=url,
        follow_redirects=True,
    )
    assert "larger than" in response.get_data(as_text=True)
    assert documents_of(personas["org_a"].id) == []
