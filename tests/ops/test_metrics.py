"""Prometheus metrics (issue 19): only with the token or from a listed address (404 otherwise,
for everyone); requests counted per endpoint; gauges read at scrape time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from portal import create_app
from portal.audit.models import AuditCheck
from portal.core.db import db
from portal.mail.models import OutboxMessage
from tests.ops.support import closed_port

TOKEN = "metrics-token-for-tests-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one sample of the exposition text (None when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if metric.split("{", 1)[0] == name and found == {k: str(v) for k, v in labels.items()}:
            return float(value)
    return None


@pytest.fixture
def scraper(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return lambda: app.test_client().get("/metrics", headers=BEARER).get_data(as_text=True)


def test_nobody_reads_metrics_without_the_token(matrix):
    matrix.check("/metrics", set())


def test_with_a_token_set_a_session_is_still_not_enough(app, matrix, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    for persona in ("admin", "anonymous"):
        assert matrix.client(persona).get("/metrics").status_code == 404
    web = app.test_client()
    for header in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer ", f"Bearer {TOKEN[:-1]}"):
        assert web.get("/metrics", headers={"Authorization": header}).status_code == 404, header
    response = web.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Set-Cookie" not in response.headers


def test_a_listed_address_reads_without_token(app, connection, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_ADDRESSES", "10.1.2.3, 192.168.0.0/24, bad")
    web = app.test_client()
    allowed = web.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.0.77"})
    assert allowed.status_code == 200
    assert web.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    refused = web.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.1"})
    assert refused.status_code == 404


def test_requests_are_counted_per_endpoint_method_and_status(client, scraper):
    before = scraper()
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    missing = {"endpoint": "404", "method": "GET", "status": "404"}
    start = sample(before, "cofinancia_http_requests_total", **labels) or 0
    start_404 = sample(before, "cofinancia_http_requests_total", **missing) or 0
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page/12345")
    after = scraper()
    assert sample(after, "cofinancia_http_requests_total", **labels) == start + 3
    assert sample(after, "cofinancia_http_requests_total", **missing) == start_404 + 1
    assert "/no-such-page" not in after  # labelled by endpoint, never by path
    assert "python_info" not in after and "version=" not in after  # no software versions
    count = sample(
        after,
        "cofinancia_http_request_duration_seconds_count",
        endpoint="ops.healthz",
        method="GET",
    )
    assert count is not None and count >= 3


def test_gauges_are_read_when_scraped(scraper, connection):
    db.session.add_all(
        [
            OutboxMessage(
                recipient=f"p{n}@example.org",
                locale="es",
                template="t",
                subject="s",
                body_text="b",
                status=status,
            )
            for n, status in enumerate(("pending", "pending", "failed", "sent"))
        ]
    )
    checked = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    db.session.add(AuditCheck(ok=True, entries=10, checked_dt=checked))
    db.session.commit()
    text = scraper()
    assert sample(text, "cofinancia_outbox_pending") == 2
    assert sample(text, "cofinancia_outbox_failed") == 1
    assert sample(text, "cofinancia_jobs_queued") == 0  # inline jobs: no queue
    assert sample(text, "cofinancia_jobs_failed") == 0
    assert sample(text, "cofinancia_audit_chain_verified_timestamp_seconds") == checked.timestamp()
    assert sample(text, "cofinancia_audit_chain_last_check_ok") == 1
    assert sample(text, "cofinancia_metrics_source_up", source="database") == 1

    db.session.add(AuditCheck(ok=False, entries=11, problem="entry 3: altered"))
    db.session.commit()
    text = scraper()
    assert sample(text, "cofinancia_audit_chain_last_check_ok") == 0
    assert sample(text, "cofinancia_audit_chain_verified_timestamp_seconds") == checked.timestamp()


def test_audit_verify_records_the_time_the_gauge_shows(app, scraper, connection):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    value = sample(scraper(), "cofinancia_audit_chain_verified_timestamp_seconds")
    assert value is not None and abs(value - datetime.now(UTC).timestamp()) < 60


def test_a_scrape_survives_an_unreachable_database_and_redis():
    app = create_app(
        "testing",
        {
            "DATABASE_URL": "sqlite://",  # no tables
            "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/1",
            "METRICS_TOKEN": TOKEN,
        },
    )
    response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert sample(text, "cofinancia_metrics_source_up", source="database") == 0
    assert sample(text, "cofinancia_metrics_source_up", source="jobs") == 0
    assert sample(text, "cofinancia_outbox_pending") is None
