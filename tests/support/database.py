"""Test database set-up: the schema is built by the real migrations, once per session."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from portal.core.migrate import upgrade


def test_database_url(tmp_dir) -> str:
    """SQLite in a temporary directory, or TEST_DATABASE_URL (one database per xdist worker)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and is_postgres(url):
        url = f"{url}_{worker}"
        _create_database(url)
    return url


def _create_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def reset_schema(url: str) -> None:
    """Start from an empty database (PostgreSQL: drop and recreate the public schema)."""
    if not is_postgres(url):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(url: str) -> None:
    reset_schema(url)
    upgrade(url)
