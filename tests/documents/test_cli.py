"""``flask documents check`` / ``purge-quarantine`` on both backends."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest

from portal.core.db import db, now_utc
from portal.documents import operations
from portal.documents.housekeeping import purge_quarantine
from portal.documents.models import Document
from portal.documents.owners import load_organisation
from portal.documents.storage import get_storage
from tests.documents import samples
from tests.documents.conftest import BUCKET, s3_client


@pytest.fixture
def runner(app, connection):
    return app.test_cli_runner()


def _upload(app, personas, data: bytes) -> int:
    from werkzeug.datastructures import FileStorage

    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        file = FileStorage(io.BytesIO(data), filename="a.pdf")
        if get_storage().direct_upload:
            document = operations.start_upload(
                owner, owner.document_slot("other"), personas["applicant"]
            )
            get_storage().save(document.quarantine_key, io.BytesIO(data))
            outcome = operations.finalize_upload(document, owner.document_slot("other"))
        else:
            outcome = operations.upload_file(
                owner, owner.document_slot("other"), personas["applicant"], file
            )
        assert outcome.ok, outcome.message
        db.session.commit()
        return outcome.document.id


def _overwrite(app, backend: str, key: str, data: bytes) -> None:
    if backend == "s3":
        s3_client(app.config["S3_ENDPOINT_URL"]).put_object(Bucket=BUCKET, Key=key, Body=data)
    else:
        with app.app_context():
            (get_storage("local").root / key).write_bytes(data)


def _remove(app, backend: str, key: str) -> None:
    with app.app_context():
        get_storage(backend).delete(key)


def test_check_passes_when_everything_is_intact(app, backend, runner, personas):
    _upload(app, personas, samples.pdf())
    result = runner.invoke(args=["documents", "check", "--no-purge"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_check_reports_missing_and_altered_objects(app, backend, runner, personas):
    missing = db.session.get(Document, _upload(app, personas, samples.pdf("uno")))
    altered = db.session.get(Document, _upload(app, personas, samples.pdf("dos")))
    resized = db.session.get(Document, _upload(app, personas, samples.pdf("tres")))
    fine = db.session.get(Document, _upload(app, personas, samples.pdf("cuatro")))
    _remove(app, backend, missing.storage_key)
    _overwrite(app, backend, altered.storage_key, samples.pdf("DOS"))  # same size
    _overwrite(app, backend, resized.storage_key, samples.pdf("tres, otra vez"))
    result = runner.invoke(args=["documents", "check", "--no-purge"])
    assert result.exit_code == 1
    assert f"document {missing.id} ({missing.storage_key}): missing" in result.output
    assert f"document {altered.id} ({altered.storage_key}): sha256 mismatch" in result.output
    assert f"document {resized.id} ({resized.storage_key}): size" in result.output
    assert f"document {fine.id} " not in result.output
    assert "3 document(s) with problems." in result.output


def test_check_covers_soft_deleted_versions(app, backend, runner, personas):
    document = db.session.get(Document, _upload(app, personas, samples.pdf()))
    document.deleted_dt = now_utc()
    db.session.commit()
    _remove(app, backend, document.storage_key)
    result = runner.invoke(args=["documents", "check", "--no-purge"])
    assert result.exit_code == 1
    assert "missing" in result.output


def test_purge_removes_quarantine_objects_past_the_cutoff(app, backend, personas):
    """S3 cannot back-date LastModified, so the clock is moved forward instead."""
    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        document = operations.start_upload(
            owner, owner.document_slot("other"), personas["applicant"]
        )
        storage = get_storage()
        storage.save(document.quarantine_key, io.BytesIO(b"left behind"))
        db.session.commit()
        assert purge_quarantine(timedelta(hours=24)).removed_objects == []
        report = purge_quarantine(timedelta(hours=24), now=now_utc() + timedelta(hours=25))
        assert document.quarantine_key in report.removed_objects
        assert report.expired_documents == [document.id]
        assert storage.info(document.quarantine_key) is None
        assert document.status == "rejected"


def test_check_expires_unfinished_uploads(app, backend, runner, personas):
    with app.test_request_context():
        owner = load_organisation(personas["org_a"].id)
        slot = owner.document_slot("other")
        stale = operations.start_upload(owner, slot, personas["applicant"])
        stale.created_dt = now_utc() - timedelta(hours=25)
        recent = operations.start_upload(owner, slot, personas["applicant"])
        storage = get_storage()
        storage.save(stale.quarantine_key, io.BytesIO(b"never finalized"))
        storage.save(recent.quarantine_key, io.BytesIO(b"being uploaded"))
        if backend == "local":  # make the stale object look old on disk as well
            path = storage.root / stale.quarantine_key
            old = time.time() - 25 * 3600
            os.utime(path, (old, old))
        db.session.commit()
        stale_id, recent_id = stale.id, recent.id
        stale_key, recent_key = stale.quarantine_key, recent.quarantine_key
    result = runner.invoke(args=["documents", "check"])
    assert result.exit_code == 0, result.output
    assert "expired 1 unfinished upload(s)" in result.output
    assert db.session.get(Document, stale_id).status == "rejected"
    assert db.session.get(Document, stale_id).rejection_code == "expired"
    assert db.session.get(Document, recent_id).status == "pending"
    with app.app_context():
        assert get_storage().info(recent_key) is not None
        if backend == "local":
            assert get_storage().info(stale_key) is None
