"""Health probes (issue 19): /healthz touches nothing; /readyz names each dependency and fails
fast, with a short reason, when one is down."""

from __future__ import annotations

import copy
import time

import pytest
from sqlalchemy import event, text

from portal import create_app
from portal.core.db import db
from portal.ops import health
from tests.ops.support import closed_port
from tests.support.matrix import PERSONAS


def test_everyone_may_probe(matrix):
    matrix.check("/healthz", set(PERSONAS))
    matrix.check("/readyz", set(PERSONAS))


def test_liveness_touches_no_database_and_sets_no_cookie():
    app = create_app("testing", {"DATABASE_URL": "sqlite://"})  # not even migrated
    with app.app_context():
        engine = db.engine
    checkouts = []
    event.listen(engine, "checkout", lambda *args: checkouts.append(args))
    web = app.test_client()
    web.set_cookie("cofinancia_session", "not-a-valid-session", domain="localhost")
    for url in ("/healthz", "/healthz?lang=en"):  # a language choice is not stored either
        response = web.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    assert checkouts == []


def test_liveness_of_a_signed_in_user_loads_no_session(app, matrix, count_queries):
    reviewer = matrix.client("reviewer")
    with count_queries() as counter:
        response = reviewer.get("/healthz")
    assert response.status_code == 200 and counter.count == 0
    assert "Set-Cookie" not in response.headers


def test_ready_when_everything_answers(client):
    response = client.get("/readyz?lang=en")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "redis": "not configured",
            "storage": "ok",
        },
    }
    assert "Set-Cookie" not in response.headers


def test_an_unreachable_database_fails_fast_and_says_no_more(app):
    port = closed_port()
    url = f"postgresql+psycopg://cofinancia:hunter2@127.0.0.1:{port}/cofinancia"
    probe = create_app("testing", {"DATABASE_URL": url})
    started = time.monotonic()
    response = probe.test_client().get("/readyz?lang=es")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "unreachable"
    raw = response.get_data(as_text=True)
    for secret in ("hunter2", "cofinancia:", str(port), "psycopg", "OperationalError"):
        assert secret not in raw


def test_a_missing_sqlite_file_is_not_ready_and_not_created(tmp_path):
    path = tmp_path / "nowhere.sqlite3"
    probe = create_app("testing", {"DATABASE_URL": f"sqlite:///{path}"})
    response = probe.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"
    assert not path.exists()


def test_a_database_behind_head_is_not_ready(app, engine, connection):
    heads, _ = health.script_revisions()
    previous = "0028_dashboard_indexes"
    assert previous not in heads
    with engine.begin() as conn:  # committed: the probe reads through a connection of its own
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["migrations"] == "behind head"
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": min(heads)})


def test_migration_states():
    heads, known = health.script_revisions()
    assert health.migration_state(set(heads)) == "ok"
    # A newer release's expand-only migration, during a rolling upgrade: still serving.
    assert health.migration_state({"0099_from_the_next_release"}) == "ok"
    older = sorted(known - heads)[0]
    assert health.migration_state({older}) == "behind head"
    assert health.migration_state(set()) == "not migrated"


def test_unreachable_redis_and_storage(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    probe = create_app(
        "testing",
        {
            "DATABASE_URL": "sqlite://",
            "REDIS_URL": f"redis://:secret@127.0.0.1:{closed_port()}/1",
            "STORAGE_LOCAL_ROOT": str(blocked / "storage"),
        },
    )
    started = time.monotonic()
    response = probe.test_client().get("/readyz")
    assert time.monotonic() - started < 3
    checks = response.get_json()["checks"]
    assert response.status_code == 503
    assert checks["redis"] == "unreachable" and checks["storage"] == "unreachable"
    assert "secret" not in response.get_data(as_text=True)


@pytest.fixture
def shared_limiter():
    """Building an app with limits changes the shared limiter (enabled, default limits): put
    every attribute back afterwards so later tests see it as it was."""
    from portal.extensions import limiter

    saved = [
        (obj, {k: copy.copy(v) for k, v in vars(obj).items()})
        for obj in (limiter, limiter.limit_manager)
    ]
    yield limiter
    for obj, state in saved:
        vars(obj).clear()
        vars(obj).update(state)


def test_probes_and_metrics_are_exempt_from_rate_limits(shared_limiter):
    limited = create_app(
        "testing",
        {
            "DATABASE_URL": "sqlite://",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_DEFAULT": "2 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
            "METRICS_TOKEN": "t0ken",
        },
    )
    web = limited.test_client()
    assert [web.get("/login").status_code for _ in range(3)][-1] == 429  # the default applies
    for _ in range(5):
        assert web.get("/healthz").status_code == 200
        assert web.get("/readyz").status_code == 503  # answered (no tables), not limited
        assert web.get("/metrics", headers={"Authorization": "Bearer t0ken"}).status_code == 200


def test_probes_write_nothing_and_set_no_cookie(app, matrix, monkeypatch):
    from sqlalchemy import func, select

    from portal.audit.models import AuditEntry

    monkeypatch.setitem(app.config, "METRICS_TOKEN", "t0ken")
    admin = matrix.client("admin")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for url in ("/healthz", "/readyz", "/metrics"):
        response = admin.get(url, headers={"Authorization": "Bearer t0ken"})
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
