"""deploy/backup.sh and the restore drill, end to end on PostgreSQL and an S3 server (moto).

The demo data is loaded into a source database with its documents (agreement PDFs) in a bucket;
the backup dumps the database and copies the bucket; the drill restores both into scratch
copies, runs ``audit verify`` and ``documents check`` there and must pass. Damaged copies must
make it fail, and it must refuse to use the live database or bucket as its scratch.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support.database import is_postgres
from tests.support.net import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LIVE_BUCKET = "cofinancia-live"


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    """A seeded source database, its bucket on a moto S3 server, and one backup of both."""
    if not is_postgres(database_url):
        pytest.skip("pg_dump and the drill need PostgreSQL (set TEST_DATABASE_URL)")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    source = make_url(database_url).set(database=f"{make_url(database_url).database}_bsrc")
    source_url = source.render_as_string(hide_password=False)
    admin(source_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REDIS", "S3_"))},
        "PORTAL_ENV": "development",
        "DATABASE_URL": source_url,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": LIVE_BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "REDIS_URL": "",
        "MAIL_SERVER": "",
    }
    try:
        s3 = s3_client(env)
        s3.create_bucket(Bucket=LIVE_BUCKET)
        flask(env, "db", "upgrade")
        flask(env, "seed")
        backups = tmp_path_factory.mktemp("backups")
        sh(env, str(ROOT / "deploy" / "backup.sh"), str(backups))
        [backup] = list(backups.iterdir())
        yield {"env": env, "backup": backup, "s3": s3, "source": source_url}
    finally:
        admin(source_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        server.stop()


def s3_client(env):
    from deploy import s3copy

    return s3copy.client(
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def scratch_name(world, suffix: str) -> str:
    """Scratch databases are named after the suite's (one per xdist worker)."""
    return f"{make_url(world['source']).database}_drill_{suffix}"


def admin(url: str, *statements: str) -> None:
    engine = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement.format(f'"{make_url(url).database}"')))
    engine.dispose()


def sh(env, *args: str, expect: int = 0) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert done.returncode == expect, f"{args[:3]} exited {done.returncode}:\n{output[-3000:]}"
    return output


def flask(env, *args: str) -> str:
    return sh(env, sys.executable, "-m", "flask", "--app", "wsgi", *args)


def drill(world, *args: str, expect: int = 0) -> str:
    return sh(world["env"], sys.executable, "-m", "deploy.restore_drill", *args, expect=expect)


def scalar(url: str, sql: str, how=None, **params):
    """One value (``how=all``: every row's first column)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        result = conn.execute(text(sql), params)
        value = result.scalars().all() if how is all else result.scalar()
    engine.dispose()
    return value


def bucket_names(s3) -> set[str]:
    return {b["Name"] for b in s3.list_buckets().get("Buckets", [])}


def test_backup_holds_the_dump_and_every_object(world):
    backup = world["backup"]
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # custom format
    copy = backup / "storage"
    keys = {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()}
    stored = scalar(
        world["source"], "SELECT storage_key FROM documents WHERE storage_backend = 's3'", all
    )
    assert len(stored) >= 5 and set(stored) <= keys
    assert "storage_backend=s3" in (backup / "MANIFEST").read_text()


def test_the_drill_restores_into_scratch_copies_and_passes(world):
    checks_before = scalar(world["source"], "SELECT count(*) FROM audit_checks")
    out = drill(world, str(world["backup"]), "--scratch-db", scratch_name(world, "ok"))
    assert "PASS audit verify" in out and "PASS documents check" in out, out
    assert "restore drill passed" in out
    # The scratch copies are gone; the live database and bucket were not touched.
    assert scalar(world["source"], "SELECT count(*) FROM audit_checks") == checks_before
    left = "SELECT 1 FROM pg_database WHERE datname = :name"
    assert not scalar(world["source"], left, name=scratch_name(world, "ok"))
    assert bucket_names(world["s3"]) == {LIVE_BUCKET}


def test_a_missing_object_in_the_copy_fails_the_drill(world, tmp_path):
    damaged = tmp_path / "damaged"
    subprocess.run(["cp", "-r", str(world["backup"]), str(damaged)], check=True)
    victim = next(p for p in (damaged / "storage").rglob("*") if p.is_file())
    victim.unlink()
    out = drill(world, str(damaged), "--scratch-db", scratch_name(world, "missing"), expect=1)
    assert "FAIL documents check" in out and "missing" in out, out
    assert "PASS audit verify" in out
    assert "restore drill FAILED" in out


def test_an_altered_audit_row_in_the_restored_copy_fails_the_check(world, monkeypatch):
    from deploy import restore_drill

    for key, value in world["env"].items():
        monkeypatch.setenv(key, value)
    scratch = restore_drill.restore(world["backup"], scratch_db=scratch_name(world, "tampered"))
    try:
        engine = create_engine(scratch.database_url, poolclass=NullPool)
        with engine.begin() as conn:  # the table's owner rewrites history in the copy
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            conn.execute(text("UPDATE audit_entries SET action = 'tampered' WHERE id = 3"))
        engine.dispose()
        results = {r.name: r for r in restore_drill.check(scratch)}
    finally:
        restore_drill.drop(scratch)
    assert not results["audit verify"].ok
    assert "entry 3" in results["audit verify"].output
    assert results["documents check"].ok
    assert bucket_names(world["s3"]) == {LIVE_BUCKET}


def test_the_drill_refuses_the_live_database_and_bucket(world):
    live_db = make_url(world["source"]).database
    out = drill(world, str(world["backup"]), "--scratch-db", live_db, expect=2)
    assert "REFUSED" in out and "live database" in out
    out = drill(
        world,
        str(world["backup"]),
        "--scratch-db",
        "release_drill_x",
        "--scratch-bucket",
        LIVE_BUCKET,
        expect=2,
    )
    assert "REFUSED" in out and "live bucket" in out
    assert scalar(world["source"], "SELECT count(*) FROM users") >= 9


def test_local_disk_storage_is_backed_up_as_a_tarball_and_restored_to_a_folder(world, tmp_path):
    """The local-disk path: a tarball of STORAGE_LOCAL_ROOT, restored into a temporary folder
    (no document refers to S3 here: a database of its own, migrated and empty)."""
    root = tmp_path / "storage"
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "kept").write_bytes(b"a stored object")
    source = make_url(world["source"]).set(database=scratch_name(world, "localsrc"))
    source_url = source.render_as_string(hide_password=False)
    admin(source_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
    env = {**world["env"], "DATABASE_URL": source_url, "STORAGE_BACKEND": "local"}
    env["STORAGE_LOCAL_ROOT"] = str(root)
    drill_db = scratch_name(world, "local")
    try:
        flask(env, "db", "upgrade")
        backups = tmp_path / "backups"
        sh(env, str(ROOT / "deploy" / "backup.sh"), str(backups))
        [backup] = list(backups.iterdir())
        assert (backup / "storage.tar.gz").exists()
        out = sh(
            env,
            sys.executable,
            "-m",
            "deploy.restore_drill",
            str(backup),
            "--keep",
            "--scratch-db",
            drill_db,
        )
        assert "restore drill passed" in out, out
        _, _, kept_folder = out.split("kept: ")[1].splitlines()[0].partition(" and ")
        assert (Path(kept_folder) / "documents" / "kept").read_bytes() == b"a stored object"
        assert kept_folder != str(root)
    finally:
        for name in (source.database, drill_db):
            drop = source.set(database=name).render_as_string(hide_password=False)
            admin(drop, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    subprocess.run(["rm", "-rf", kept_folder], check=True)
