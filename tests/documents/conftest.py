"""Fixtures for the documents tests: a real S3 server (moto over HTTP) and upload helpers.

The same behaviour tests run over both backends through the ``backend`` fixture, which points
the session's app at local disk or at the moto server for the duration of one test.
"""

from __future__ import annotations

import io
import os

import pytest
import requests

from portal.core.db import db
from portal.documents.models import Document
from tests.support.forms import csrf_token
from tests.support.matrix import login
from tests.support.net import free_port

BUCKET = "cofinancia-test"


# S3 over real HTTP ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server in a thread on a free local port, with one bucket."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            mp.delenv(name, raising=False)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        try:
            s3_client(endpoint).create_bucket(Bucket=BUCKET)
            yield endpoint
        finally:
            server.stop()


def s3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def use_s3(monkeypatch, app, endpoint: str) -> None:
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.config, "S3_BUCKET", BUCKET)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", endpoint)
    monkeypatch.setitem(app.config, "CSP_CONNECT_EXTRA", endpoint)


@pytest.fixture
def s3(app, monkeypatch, s3_endpoint):
    """The app on the S3 backend for this test; returns a plain boto3 client for checks."""
    use_s3(monkeypatch, app, s3_endpoint)
    return s3_client(s3_endpoint)


@pytest.fixture(params=["local", "s3"])
def backend(request, app, monkeypatch):
    if request.param == "s3":
        use_s3(monkeypatch, app, request.getfixturevalue("s3_endpoint"))
    return request.param


# Uploading like a browser ----------------------------------------------------------------------
def upload_url(org_id: int, slot: str = "other") -> str:
    return f"/documents/organisation/{org_id}/{slot}/upload"


class Uploader:
    """Drives the upload as the browser would: a multipart POST to the portal (local) or
    intent, POST to the presigned URL and finalize (S3). Returns the final JSON answer."""

    def __init__(self, client, backend: str) -> None:
        self.client = client
        self.backend = backend

    def __call__(self, org_id: int, name: str, data: bytes, slot: str = "other", mime=None):
        url = upload_url(org_id, slot)
        token = csrf_token(self.client, url)
        headers = {"Accept": "application/json", "X-CSRFToken": token}
        if self.backend == "local":
            response = self.client.post(
                url,
                data={"csrf_token": token, "file": (io.BytesIO(data), name, mime)},
                headers=headers,
            )
            return response.status_code, response.get_json()
        intent = self.client.post(
            f"/documents/organisation/{org_id}/{slot}/intent",
            json={
                "filename": name,
                "size": len(data),
                "content_type": mime or "",
                "csrf_token": token,
            },
            headers=headers,
        )
        body = intent.get_json()
        if intent.status_code != 200:
            return intent.status_code, body
        sent = requests.post(
            body["url"], data=body["fields"], files={"file": (name, data)}, timeout=10
        )
        assert sent.status_code in (200, 201, 204), sent.text
        response = self.client.post(
            body["finalize_url"], data={"csrf_token": token}, headers=headers
        )
        return response.status_code, response.get_json()


@pytest.fixture
def applicant_client(app, personas):
    client = app.test_client()
    login(client, personas["applicant"].email)
    return client


@pytest.fixture
def uploader(applicant_client, backend):
    return Uploader(applicant_client, backend)


def documents_of(org_id: int, slot: str | None = None) -> list[Document]:
    from sqlalchemy import select

    stmt = select(Document).filter_by(owner_type="organisation", owner_id=org_id)
    if slot:
        stmt = stmt.filter_by(slot=slot)
    return list(db.session.scalars(stmt.order_by(Document.id)))
