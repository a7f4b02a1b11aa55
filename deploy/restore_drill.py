"""Restore drill: prove a backup restores and is intact, without touching the live portal.

    python -m deploy.restore_drill /srv/backups/cofinancia/20261206T030000Z

Takes a folder written by deploy/backup.sh (``database.dump`` and ``storage.tar.gz``, or
``storage/`` for S3, or ``--storage-copy s3://backup-bucket``), then:

1. creates a SCRATCH database on the same PostgreSQL server (``cofinancia_drill_<stamp>``, or
   ``--scratch-db``) and ``pg_restore``s the dump into it;
2. restores the documents into scratch storage: a temporary folder (local disk), or a new
   scratch bucket on the same S3 endpoint (``<S3_BUCKET>-drill-<stamp>``, or
   ``--scratch-bucket``);
3. runs ``flask --app wsgi audit verify`` and ``flask --app wsgi documents check --no-purge``
   with DATABASE_URL and STORAGE_* pointing at the scratch copies (no Redis, no SMTP);
4. prints PASS or FAIL per check, drops the scratch database and bucket (``--keep`` leaves
   them), and exits 1 on any failure.

It refuses to run when a scratch target is the live one (DATABASE_URL's database, S3_BUCKET)
or already exists: it only ever drops what it created itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from deploy import s3copy

ROOT = Path(__file__).resolve().parent.parent


class DrillRefusedError(Exception):
    """The drill would touch something it must not."""


@dataclass
class Scratch:
    database_url: str
    backend: str
    storage: str  # folder (local) or bucket name (s3)
    created: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    name: str
    ok: bool
    output: str


# Targets -------------------------------------------------------------------------------------
def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def scratch_database_url(live_url: str, name: str | None) -> str:
    """The scratch database's URL on the live server; refuses the live database itself."""
    live = make_url(live_url)
    if not live.drivername.startswith("postgresql"):
        raise DrillRefusedError(
            "the drill restores PostgreSQL dumps: DATABASE_URL is not postgresql"
        )
    name = name or f"cofinancia_drill_{_stamp()}"
    if name == live.database:
        raise DrillRefusedError(f"the scratch database {name!r} is the live database")
    return live.set(database=name).render_as_string(hide_password=False)


def _admin_engine(url: str):
    return create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def create_database(url: str) -> None:
    name = make_url(url).database
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists:
                raise DrillRefusedError(f"the scratch database {name!r} already exists")
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        engine.dispose()


def libpq(url: str) -> tuple[str, dict]:
    """libpq's form of a SQLAlchemy URL, and the environment carrying its password (never on
    a command line, which other users of the machine can read)."""
    parsed = make_url(url)
    plain = parsed._replace(password=None).set(drivername="postgresql")
    env = dict(os.environ, PGPASSWORD=parsed.password) if parsed.password else None
    return plain.render_as_string(hide_password=False), env


# Restore -------------------------------------------------------------------------------------
def restore(backup: Path, *, scratch_db=None, scratch_bucket=None, storage_copy=None) -> Scratch:
    """Restore ``backup`` into scratch copies; on failure, drop what was already created."""
    live_url = os.environ.get("DATABASE_URL", "")
    backend = os.environ.get("STORAGE_BACKEND", "local")
    scratch = Scratch(scratch_database_url(live_url, scratch_db), backend, "")
    if backend == "s3":
        live_bucket = os.environ.get("S3_BUCKET", "")
        scratch.storage = scratch_bucket or f"{live_bucket}-drill-{_stamp()}"
        if scratch.storage in {live_bucket, s3copy.bucket_of(storage_copy or "")}:
            raise DrillRefusedError(f"the scratch bucket {scratch.storage!r} is a live bucket")
    try:
        create_database(scratch.database_url)
        scratch.created.append("database")
        _pg_restore(backup / "database.dump", scratch.database_url)
        if backend == "s3":
            _restore_bucket(backup, scratch, storage_copy)
        else:
            scratch.storage = tempfile.mkdtemp(prefix="cofinancia-drill-")
            scratch.created.append("folder")
            with tarfile.open(backup / "storage.tar.gz") as archive:
                archive.extractall(scratch.storage, filter="data")
    except BaseException:
        drop(scratch)
        raise
    return scratch


def _pg_restore(dump: Path, url: str) -> None:
    target, env = libpq(url)
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            target,
            str(dump),
        ],
        check=True,
        env=env,
    )


def _restore_bucket(backup: Path, scratch: Scratch, storage_copy: str | None) -> None:
    s3 = s3copy.client()
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if scratch.storage in existing:
        raise DrillRefusedError(f"the scratch bucket {scratch.storage!r} already exists")
    s3.create_bucket(Bucket=scratch.storage)
    scratch.created.append("bucket")
    s3copy.copy(storage_copy or str(backup / "storage"), f"s3://{scratch.storage}", s3=s3)


# Checks --------------------------------------------------------------------------------------
def scratch_env(scratch: Scratch) -> dict:
    env = dict(os.environ, DATABASE_URL=scratch.database_url, REDIS_URL="", MAIL_SERVER="")
    if scratch.backend == "s3":
        env["S3_BUCKET"] = scratch.storage
    else:
        env["STORAGE_LOCAL_ROOT"] = scratch.storage
    return env


def check(scratch: Scratch) -> list[CheckResult]:
    results = []
    for name, args in (
        ("audit verify", ["audit", "verify"]),
        ("documents check", ["documents", "check", "--no-purge"]),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=scratch_env(scratch),
            capture_output=True,
            text=True,
        )
        output = (done.stdout + done.stderr).strip()
        results.append(CheckResult(name, done.returncode == 0, output))
    return results


def drop(scratch: Scratch) -> None:
    """Remove what the drill created (only that)."""
    if "database" in scratch.created:
        drop_database(scratch.database_url)
    if "folder" in scratch.created:
        shutil.rmtree(scratch.storage, ignore_errors=True)
    if "bucket" in scratch.created:
        s3 = s3copy.client()
        for key, _size in list(s3copy.objects(s3, scratch.storage)):
            s3.delete_object(Bucket=scratch.storage, Key=key)
        s3.delete_bucket(Bucket=scratch.storage)
    scratch.created.clear()


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.restore_drill", description=__doc__)
    parser.add_argument("backup", type=Path, help="a folder written by deploy/backup.sh")
    parser.add_argument("--scratch-db", help="name of the scratch database (must not exist)")
    parser.add_argument("--scratch-bucket", help="name of the scratch bucket (must not exist)")
    parser.add_argument("--storage-copy", help="s3://bucket holding the documents' copy")
    parser.add_argument("--keep", action="store_true", help="leave the scratch copies")
    args = parser.parse_args(argv)
    try:
        scratch = restore(
            args.backup,
            scratch_db=args.scratch_db,
            scratch_bucket=args.scratch_bucket,
            storage_copy=args.storage_copy,
        )
    except DrillRefusedError as refused:
        print(f"REFUSED: {refused}", file=sys.stderr)
        return 2
    try:
        results = check(scratch)
    finally:
        if args.keep:
            print(f"kept: {scratch.database_url.split('@')[-1]} and {scratch.storage}")
        else:
            drop(scratch)
    for result in results:
        print(f"{'PASS' if result.ok else 'FAIL'} {result.name}: {result.output}")
    ok = all(r.ok for r in results)
    print("restore drill passed" if ok else "restore drill FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
