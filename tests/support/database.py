"""Test database set-up: the schema is built by the real migrations, once per session."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from portal.core.migrate import upgrade


def test_database_url(tmp_dir) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


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
