"""The previous release's code runs against this release's schema (expand/contract).

During a deploy the database is migrated first, then old web instances keep serving until they
are replaced (docs/migrations.md). This test migrates a scratch database to the NEW head, loads
the demo data with the NEW code, then starts the code of ``migrations/previous_release`` (a
subprocess over its ``git archive``, the same virtual environment) and reads its pages and API
as an anonymous visitor, an applicant, the grants manager and the finance officer: no answer
may be a server error.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support import previous_release
from tests.support.database import is_postgres

pytestmark = pytest.mark.slow

CRAWL = Path(__file__).resolve().parents[1] / "support" / "previous_release_crawl.py"
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "previous-release.json"
PAGES_PER_PERSONA = 20

SEED_WITH_NEW_CODE = """
from portal import create_app
from portal.core import unit_of_work
from portal.core.migrate import upgrade

app = create_app()
with app.app_context():
    upgrade()
    from portal.accounts.models import User
    from portal.api.operations import create_token
    from portal.core.db import db
    from portal.demo.seed import seed_all
    from sqlalchemy import select

    seed_all()
    user = db.session.scalar(select(User).filter_by(email="finanzas@cofinancia.example"))
    _, secret = create_token(user, name="previous release", days=30)
    unit_of_work.commit()
    print(secret)
"""


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """A database of its own (never the suite's): a file on SQLite, ``<suite db>_prev`` on
    PostgreSQL (created here and dropped afterwards)."""
    if not is_postgres(database_url):
        yield f"sqlite:///{tmp_path / 'previous-release.sqlite3'}"
        return
    base, _, name = database_url.rpartition("/")
    scratch = f"{name}_prev"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        yield f"{base}/{scratch}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def run(code_args: list[str], *, cwd: Path, env: dict) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, *code_args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{code_args[0]} failed:\n{done.stderr[-3000:]}"
    print(f"{code_args[0][:40]!r}: {time.monotonic() - started:.1f} s")
    return done.stdout


def test_previous_release_reads_the_new_schema(scratch_url, tmp_path):
    old_tree = previous_release.extract(tmp_path / "previous")
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [pybabel, "-q", "compile", "-D", "messages", "-d", old_tree / "portal" / "translations"],
        check=True,
    )
    settings = {
        "PORTAL_ENV": "development",
        "DATABASE_URL": scratch_url,
        "STORAGE_LOCAL_ROOT": str(tmp_path / "storage"),
        "MFA_REQUIRED_ROLES": "",
        "RATELIMIT_ENABLED": "false",
        "REDIS_URL": "",
        "MAIL_SERVER": "",
    }
    new_tree = Path(__file__).resolve().parents[2]
    env = previous_release.old_env(new_tree, **settings)
    token = run(["-c", SEED_WITH_NEW_CODE], cwd=new_tree, env=env).strip().splitlines()[-1]

    out = run(
        [str(CRAWL), str(PAGES_PER_PERSONA), token],
        cwd=old_tree,
        env=previous_release.old_env(old_tree, **settings),
    )
    report = json.loads(out.strip().splitlines()[-1])
    visits, errors = report["visits"], report["errors"]
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=1), encoding="utf-8")  # what was read
    failed = {p: [v for v in seen if v[1] >= 500] for p, seen in visits.items()}
    failed = {p: v for p, v in failed.items() if v}
    assert not failed, f"the previous release fails on the new schema: {failed}\n" + "\n".join(
        f"{url}:\n{trace}" for url, trace in errors.items()
    )
    # The crawl really read pages: every persona reached its pages, the API answered.
    for persona in ("applicant", "grants_manager", "finance_officer"):
        ok = [url for url, status in visits[persona] if status == 200]
        assert len(ok) >= 10, (persona, visits[persona])
    assert all(status == 200 for _, status in visits["api"]), visits["api"]
    read = {p: {url for url, status in seen if status == 200} for p, seen in visits.items()}
    assert any(re.fullmatch(r"/applications/\d+", url) for url in read["applicant"])
    assert "/calls/CONV-2026-01/applications" in read["grants_manager"]
    assert "/reports/finance" in read["finance_officer"]
