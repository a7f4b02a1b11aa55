"""S3-specific behaviour over real HTTP against moto's server.

moto does not enforce presigned-POST conditions, so the policy we sign is decoded and checked
here, and the finalize step is shown to be the real gate.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from portal import create_app
from portal.core.db import db
from portal.documents.storage.base import ObjectChanged
from portal.documents.storage.s3 import S3Storage
from tests.documents import samples
from tests.documents.conftest import BUCKET, Uploader, documents_of, upload_url
from tests.support.forms import csrf_token, post_form


def _intent(client, org_id: int, size: int, content_type: str = "application/pdf", slot="other"):
    token = csrf_token(client, upload_url(org_id, slot))
    response = client.post(
        f"/documents/organisation/{org_id}/{slot}/intent",
        json={"filename": "carta.pdf", "size": size, "content_type": content_type},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), token


def _finalize(client, body: dict, token: str):
    return client.post(
        body["finalize_url"],
        data={"csrf_token": token},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )


def test_presigned_post_policy_conditions(app, s3, applicant_client, personas, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    before = datetime.now(UTC)
    body, _token = _intent(applicant_client, personas["org_a"].id, 1234)
    [document] = documents_of(personas["org_a"].id)
    assert document.status == "pending"
    assert body["fields"]["key"] == document.quarantine_key
    assert document.quarantine_key.startswith("quarantine/")
    assert body["url"].endswith(f"/{BUCKET}")
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": document.quarantine_key} in conditions
    assert {"bucket": BUCKET} in conditions
    assert ["content-length-range", 1, 5 * 1024 * 1024] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert body["fields"]["Content-Type"] == "application/pdf"
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before < expires <= before + timedelta(minutes=10, seconds=5)


def test_policy_follows_the_slot_limit_and_kms(app, s3, applicant_client, personas, monkeypatch):
    monkeypatch.setitem(app.config, "S3_KMS_KEY_ID", "alias/cofinancia")
    monkeypatch.setitem(app.config, "DOCUMENT_UPLOAD_EXPIRY", 3600)  # capped at 10 minutes
    before = datetime.now(UTC)
    body, _token = _intent(applicant_client, personas["org_a"].id, 10, slot="cluni_certificate")
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert {"x-amz-server-side-encryption-aws-kms-key-id": "alias/cofinancia"} in conditions
    assert body["fields"]["x-amz-server-side-encryption"] == "aws:kms"
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires <= before + timedelta(minutes=10, seconds=5)


def test_intent_refuses_a_declared_size_over_the_limit(app, s3, applicant_client, personas):
    token = csrf_token(applicant_client, upload_url(personas["org_a"].id))
    response = applicant_client.post(
        f"/documents/organisation/{personas['org_a'].id}/other/intent",
        json={"filename": "x.pdf", "size": 26 * 1024 * 1024, "content_type": "application/pdf"},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert "larger than the 25 MB" in response.get_json()["message"]
    assert documents_of(personas["org_a"].id) == []


def test_finalize_is_the_gate_for_size(app, s3, applicant_client, personas, monkeypatch):
    """moto accepts 3,000 bytes against a 2,048-byte policy; finalize refuses them."""
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 2048)
    body, token = _intent(applicant_client, personas["org_a"].id, 100)
    sent = requests.post(
        body["url"],
        data=body["fields"],
        files={"file": ("c.pdf", samples.pdf(padding=3000))},
        timeout=10,
    )
    assert sent.status_code == 204  # the server did not enforce content-length-range
    response = _finalize(applicant_client, body, token)
    assert response.status_code == 422
    assert "larger than" in response.get_json()["message"]
    [document] = documents_of(personas["org_a"].id)
    assert document.status == "rejected" and document.rejection_code == "too_large"
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=document.quarantine_key)


def test_finalize_is_the_gate_for_type(app, s3, applicant_client, personas):
    body, token = _intent(applicant_client, personas["org_a"].id, 100)
    files = {"file": ("c.pdf", samples.html_page())}
    requests.post(body["url"], data=body["fields"], files=files, timeout=10)
    response = _finalize(applicant_client, body, token)
    assert response.status_code == 422
    assert "not accepted here" in response.get_json()["message"]
    [document] = documents_of(personas["org_a"].id)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=document.quarantine_key)


def test_finalize_without_an_upload(app, s3, applicant_client, personas):
    body, token = _intent(applicant_client, personas["org_a"].id, 100)
    response = _finalize(applicant_client, body, token)
    assert response.status_code == 422
    assert "did not receive the file" in response.get_json()["message"]
    # A second finalize does nothing more.
    again = _finalize(applicant_client, body, token)
    assert again.status_code == 409


def test_accepted_object_gets_the_detected_content_type(app, s3, applicant_client, personas):
    """Declared as octet-stream by the browser, stored as application/pdf."""
    status, _ = Uploader(applicant_client, "s3")(
        personas["org_a"].id, "carta.pdf", samples.pdf(), mime="application/octet-stream"
    )
    assert status == 200
    [document] = documents_of(personas["org_a"].id)
    head = s3.head_object(Bucket=BUCKET, Key=document.storage_key)
    assert head["ContentType"] == "application/pdf"


def test_download_redirects_to_a_short_lived_attachment_url(app, s3, applicant_client, personas):
    data = samples.pdf("descarga")
    Uploader(applicant_client, "s3")(personas["org_a"].id, "Convenio de donación.pdf", data)
    [document] = documents_of(personas["org_a"].id)
    response = applicant_client.get(f"/documents/{document.id}/download")
    assert response.status_code == 302
    location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-type"] == ["application/pdf"]
    with urllib.request.urlopen(location, timeout=10) as followed:  # noqa: S310 - moto's URL
        assert followed.read() == data
        assert followed.headers["Content-Type"] == "application/pdf"
        disposition = followed.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Convenio%20de%20donaci%C3%B3n.pdf" in disposition
    assert 'filename="Convenio de donacion.pdf"' in disposition


def test_upload_without_javascript_posts_straight_to_s3(app, s3, applicant_client, personas):
    url = upload_url(personas["org_a"].id, "cluni_certificate")
    start = post_form(applicant_client, url, {}, form_url=url)
    assert start.status_code == 302
    form_page = applicant_client.get(start.headers["Location"]).get_data(as_text=True)
    action = unescape(
        re.search(r'<form id="s3-upload" method="post" action="([^"]+)"', form_page).group(1)
    )
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form_page)
    }
    assert action.endswith(f"/{BUCKET}")
    assert fields["success_action_redirect"].startswith("http://localhost/documents/uploads/")
    sent = requests.post(
        action,
        data=fields,
        files={"file": ("cluni.png", samples.png())},
        allow_redirects=False,
        timeout=10,
    )
    assert sent.status_code == 303
    back = urlsplit(sent.headers["Location"])
    finish_page = applicant_client.get(f"{back.path}?{back.query}")
    assert finish_page.status_code == 200
    finalize_url = back.path.replace("/finish", "/finalize")
    done = post_form(applicant_client, finalize_url, {}, form_url=back.path, follow_redirects=True)
    assert "was checked and saved as version 1" in done.get_data(as_text=True)
    [document] = documents_of(personas["org_a"].id)
    assert document.status == "clean"
    assert document.content_type == "image/png"
    assert document.original_name == "cluni_certificate.png"


def test_object_replaced_after_verification_is_refused(
    app, s3, applicant_client, personas, monkeypatch
):
    """S3 promotes with CopySourceIfMatch (moto ignores it, so the refusal is simulated)."""

    def changed(self, source, target, content_type, *, if_match=None):
        assert if_match  # the ETag read during verification
        raise ObjectChanged(source)

    monkeypatch.setattr(S3Storage, "promote", changed)
    status, body = Uploader(applicant_client, "s3")(personas["org_a"].id, "a.pdf", samples.pdf())
    assert status == 422
    assert "changed while it was being checked" in body["message"]
    [document] = documents_of(personas["org_a"].id)
    assert document.rejection_code == "tampered"


def test_csp_allows_the_s3_origin(s3_endpoint, tmp_path):
    app = create_app(
        "testing",
        {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3_endpoint + "/",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "RATELIMIT_ENABLED": False,  # the limiter is shared: keep it off for later tests
        },
    )
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert f"connect-src 'self' {s3_endpoint};" in csp
    assert f"form-action 'self' {s3_endpoint};" in csp


def test_s3_without_a_bucket_refuses_to_start(tmp_path):
    from portal.documents.storage import StorageError

    with pytest.raises(StorageError, match="S3_BUCKET"):
        create_app(
            "testing", {"STORAGE_BACKEND": "s3", "S3_BUCKET": "", "RATELIMIT_ENABLED": False}
        )


def test_pending_upload_belongs_to_its_uploader(app, s3, applicant_client, personas):
    """Another editor of the same organisation cannot finish someone else's upload."""
    from tests.support import factories
    from tests.support.matrix import login

    body, _token = _intent(applicant_client, personas["org_a"].id, 100)
    colleague = factories.make_user(name="Colega")
    factories.add_member(db.session.get(type(personas["org_a"]), personas["org_a"].id), colleague)
    other = app.test_client()
    login(other, colleague.email)
    document_id = body["document_id"]
    assert other.get(f"/documents/uploads/{document_id}").status_code == 404
    token = csrf_token(other, upload_url(personas["org_a"].id))
    response = other.post(body["finalize_url"], data={"csrf_token": token})
    assert response.status_code == 404
