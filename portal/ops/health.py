"""Readiness checks (``/readyz``): database reachable and at the code's migration head, Redis
reachable when configured, document storage reachable.

Each check is bounded by a short timeout so a dead dependency answers "unreachable" within
about two seconds instead of hanging the probe, and answers only a short, fixed reason (never
an address, a version or an error text that could carry a secret). The database is reached
through a connection of its own (no pool, connect and statement timeouts), never the pool that
serves requests.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("portal.ops")

OK = "ok"
UNREACHABLE = "unreachable"
TIMEOUT_SECONDS = 2


def readiness() -> tuple[bool, dict[str, str]]:
    """Every check's answer, and whether all of them are fine."""
    config = current_app.config
    database, migrations = check_database(config["DATABASE_URL"])
    checks = {
        "database": database,
        "migrations": migrations,
        "redis": check_redis(config.get("REDIS_URL") or ""),
        "storage": check_storage(),
    }
    ready = all(value in (OK, "not configured") for value in checks.values())
    return ready, checks


# Database and migrations --------------------------------------------------------------------
def check_database(url: str) -> tuple[str, str]:
    if _missing_sqlite_file(url):
        return UNREACHABLE, "unknown"
    try:
        connection = probe_engine(url).connect()
    except Exception as exc:
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return UNREACHABLE, "unknown"
    try:
        with connection:
            if connection.dialect.name == "postgresql":  # SET LOCAL: fine behind PgBouncer too
                connection.execute(text(f"SET LOCAL statement_timeout = {TIMEOUT_SECONDS * 1000}"))
            versions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as exc:
        log.warning("readiness: migrations unreadable (%s)", type(exc).__name__)
        return OK, "not migrated"
    return OK, migration_state(versions)


def migration_state(versions: set[str]) -> str:
    """``ok`` at the head; also when the database is at a revision this code does not know,
    which is a newer release's expand-only migration during a rolling upgrade (the schema
    serves both releases). ``behind head`` when a known, older revision: run ``db upgrade``."""
    heads, known = script_revisions()
    if versions == heads or (versions and not versions & known):
        return OK
    return "behind head" if versions else "not migrated"


@cache
def script_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The migration heads and every revision of this code (read once, from the files)."""
    from alembic.script import ScriptDirectory

    from portal.core.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(url="sqlite://"))
    known = frozenset(rev.revision for rev in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


def probe_engine(url: str) -> Engine:
    """A pool-less engine for this app's probes, with short connect and statement timeouts."""
    engines = current_app.extensions.setdefault("ops_probe_engines", {})
    if url not in engines:
        if url.startswith("sqlite"):
            connect_args: dict = {"timeout": TIMEOUT_SECONDS}
        else:
            connect_args = {"connect_timeout": TIMEOUT_SECONDS}
        engines[url] = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    return engines[url]


def _missing_sqlite_file(url: str) -> bool:
    """SQLite would create an empty file where the database should be: not ready instead."""
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return not Path(path).is_file()


# Redis ----------------------------------------------------------------------------------------
def check_redis(url: str) -> str:
    if not url:
        return "not configured"
    from redis import Redis

    client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        log.warning("readiness: redis unreachable (%s)", type(exc).__name__)
        return UNREACHABLE
    finally:
        client.close()
    return OK


# Storage --------------------------------------------------------------------------------------
def check_storage() -> str:
    config = current_app.config
    if config.get("STORAGE_BACKEND", "local") == "s3":
        return _check_bucket(config)
    from portal.documents.storage import local_root

    return OK if _writable_dir(local_root(config)) else UNREACHABLE


def _writable_dir(root: Path) -> bool:
    """The folder, or the nearest existing folder above it (storage creates the rest)."""
    path = root
    while not path.exists() and path != path.parent:
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def _check_bucket(config) -> str:
    if not config.get("S3_BUCKET"):
        return "misconfigured"
    try:
        _bucket_client(config).head_bucket(Bucket=config["S3_BUCKET"])
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        log.warning("readiness: bucket unavailable (%s %s)", type(exc).__name__, code)
        if code in ("404", "NoSuchBucket"):
            return "bucket missing"
        if code in ("403", "AccessDenied"):
            return "access denied"
        return UNREACHABLE
    return OK


def _bucket_client(config):
    """An S3 client with short timeouts and no retries, kept per app."""
    clients = current_app.extensions.setdefault("ops_probe_s3", {})
    key = (config.get("S3_ENDPOINT_URL") or None, config.get("S3_REGION") or None)
    if key not in clients:
        import boto3
        from botocore.config import Config

        clients[key] = boto3.client(
            "s3",
            endpoint_url=key[0],
            region_name=key[1],
            config=Config(
                connect_timeout=TIMEOUT_SECONDS,
                read_timeout=TIMEOUT_SECONDS,
                retries={"max_attempts": 1, "mode": "standard"},
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )
    return clients[key]
