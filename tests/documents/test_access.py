"""Access matrix on every documents route.

Organisation A's documents: its members see them, staff see them read-only; nobody else
learns anything (404), anonymous users are sent to the login page.
"""

from __future__ import annotations

import io

import pytest

from portal.core.db import db
from portal.documents import operations
from portal.documents.owners import load_organisation
from tests.documents import samples
from tests.documents.conftest import documents_of
from tests.support.matrix import STAFF

VIEWERS = {"applicant"} | STAFF
UPLOADERS = {"applicant"}
SECRET_NAME = "acta-secreta-2026.pdf"


@pytest.fixture
def stored(app, personas):
    """A clean document in organisation A's "other" slot, uploaded by the applicant."""
    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        slot = owner.document_slot("other")
        file = _file(samples.pdf())
        outcome = operations.upload_file(owner, slot, personas["applicant"], file)
        assert outcome.ok, outcome.message
        db.session.commit()
        return outcome.document.id


@pytest.fixture
def pending(app, personas, s3):
    """A pending direct-to-S3 upload started by the applicant."""
    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        document = operations.start_upload(
            owner, owner.document_slot("other"), personas["applicant"], filename=SECRET_NAME
        )
        db.session.commit()
        return document.id


def _file(data: bytes, name: str = SECRET_NAME):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def _owner_url(personas, suffix: str = "") -> str:
    return f"/documents/organisation/{personas['org_a'].id}/{suffix}"


def test_owner_page(matrix, personas, stored):
    matrix.check(_owner_url(personas), allowed=VIEWERS)


def test_owner_page_of_unknown_owner_type_or_id(matrix, personas):
    matrix.check("/documents/organisation/999999/", allowed=set())
    matrix.check(f"/documents/nonsense/{personas['org_a'].id}/", allowed=set())


def test_upload_page(matrix, personas):
    matrix.check(_owner_url(personas, "other/upload"), allowed=UPLOADERS)
    matrix.check(_owner_url(personas, "no_such_slot/upload"), allowed=set())


def test_upload_post(matrix, personas):
    matrix.check(
        _owner_url(personas, "other/upload"),
        allowed=UPLOADERS,
        method="POST",
        data_for=lambda persona: {"file": (io.BytesIO(samples.pdf()), f"{persona}.pdf")},
    )
    assert [d.original_name for d in documents_of(personas["org_a"].id)] == ["applicant.pdf"]


def test_intent(matrix, personas, s3):
    matrix.check(
        _owner_url(personas, "other/intent"),
        allowed=UPLOADERS,
        method="POST",
        data={"filename": "a.pdf", "size": "100", "content_type": "application/pdf"},
    )


def test_intent_is_not_offered_by_the_local_backend(matrix, personas):
    matrix.check(
        _owner_url(personas, "other/intent"),
        allowed=set(),
        method="POST",
        data={"filename": "a.pdf", "size": "100", "content_type": "application/pdf"},
    )


def test_direct_form(matrix, pending):
    matrix.check(f"/documents/uploads/{pending}", allowed=UPLOADERS)


def test_finish_page(matrix, pending):
    matrix.check(f"/documents/uploads/{pending}/finish", allowed=UPLOADERS)


def test_finalize(matrix, pending):
    matrix.check(f"/documents/uploads/{pending}/finalize", allowed=UPLOADERS, method="POST")


def test_download(matrix, stored):
    matrix.check(f"/documents/{stored}/download", allowed=VIEWERS)


def test_delete(matrix, stored):
    matrix.check(f"/documents/{stored}/delete", allowed=UPLOADERS, method="POST")


def test_other_organisation_learns_nothing(matrix, personas, stored, s3):
    """Neither the file nor its name reaches a member of another organisation."""
    from portal.documents.models import Document

    client = matrix.client("other_applicant")
    urls = [
        _owner_url(personas),
        _owner_url(personas, "other/upload"),
        f"/documents/{stored}/download",
        f"/documents/uploads/{stored}",
        f"/documents/uploads/{stored}/finish",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_NAME not in response.get_data(as_text=True)
        assert b"%PDF" not in response.get_data()
    assert db.session.get(Document, stored).deleted_dt is None


def test_embedded_listing_is_empty_for_outsiders(app, personas, stored):
    """``document_listing`` (for other domains' pages) returns None to outsiders."""
    from flask_login import login_user

    from portal.documents.setup import document_listing

    with app.test_request_context():
        login_user(personas["other_applicant"])
        assert document_listing("organisation", personas["org_a"].id) is None
    with app.test_request_context():
        login_user(personas["grants_manager"])
        listing = document_listing("organisation", personas["org_a"].id)
        assert listing is not None and listing.can_upload is False
        current = {e.slot.key: e.current for e in listing.entries}
        assert current["other"].original_name == SECRET_NAME
