"""A script's view: the portal served over real HTTP on a local port, read with urllib and an
``Authorization: Bearer`` header, exactly as the README's example does.

The server thread shares the test's rolled-back connection; the script waits for each answer,
so the two threads never use it at the same time (works on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from portal.api import operations as token_ops
from portal.core.db import db
from tests.api import helpers
from tests.support.net import free_port


@pytest.fixture
def base_url(app, world):
    server = make_server("127.0.0.1", free_port(), app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def fetch(url: str, token: str | None = None):
    """What a finance system's script does: GET with the token, JSON back."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local http
        return response.status, json.load(response)


def refused(url: str, token: str | None = None) -> tuple[int, dict, dict]:
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(url, token)
    return error.value.code, json.load(error.value), dict(error.value.headers)


def test_a_script_reads_awards_and_disbursements_over_http(base_url, world, personas):
    token_row, token = helpers.make_token(personas["applicant"], name="script")
    a, b = world["award_a"].id, world["award_b"].id

    status, awards = fetch(f"{base_url}/api/v1/awards?status=active", token)
    assert status == 200 and [x["id"] for x in awards["data"]] == [a]
    # Follow the pages as a script would, two entries at a time.
    url, entries = f"{base_url}/api/v1/awards/{a}/disbursements?per_page=2", []
    while url:
        _, page = fetch(url, token)
        entries += page["data"]
        url = page["links"]["next"] and base_url + page["links"]["next"]
    assert len(entries) == 4
    assert sum(Decimal(e["award_amount"]) for e in entries) == Decimal("150000.00")

    # Refused: no token (401 with a Bearer challenge), another organisation's grant (404).
    code, body, headers = refused(f"{base_url}/api/v1/awards")
    assert (code, body["error"]["code"]) == (401, "missing_token")
    assert headers["WWW-Authenticate"].startswith("Bearer")
    code, body, _ = refused(f"{base_url}/api/v1/awards/{b}/disbursements", token)
    assert (code, body["error"]["code"]) == (404, "not_found")

    # Revoked: 401 from then on.
    token_ops.revoke_token(token_row, personas["applicant"])
    db.session.commit()
    code, body, _ = refused(f"{base_url}/api/v1/awards", token)
    assert (code, body["error"]["code"]) == (401, "token_revoked")

    # The OpenAPI document needs no token.
    status, document = fetch(f"{base_url}/api/v1/openapi.json")
    assert status == 200 and "/awards/{award_id}/disbursements" in document["paths"]
