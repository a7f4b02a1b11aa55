"""The previous release's code, extracted from git, for the expand/contract tests.

``migrations/previous_release`` holds the commit id of the release now in production; after a
release, write the new one there (docs/migrations.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELEASE_FILE = ROOT / "migrations" / "previous_release"


def release_commit() -> str:
    return RELEASE_FILE.read_text(encoding="utf-8").strip()


def extract(target: Path) -> Path:
    """``git archive`` the previous release into ``target``; fail clearly when the commit is
    not in this clone's history (a shallow clone: fetch with ``--depth`` large enough)."""
    sha = release_commit()
    known = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{sha}^{{commit}}"], capture_output=True
    )
    if known.returncode != 0:
        pytest.fail(
            f"The previous release {sha} (migrations/previous_release) is not in this clone's "
            "history: fetch it (git fetch --unshallow) to run the expand/contract tests."
        )
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", sha],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def old_env(tree: Path, **extra: str) -> dict:
    """Environment for running the old code: its tree first on the path, nothing inherited
    that would point it at another database or service."""
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "STORAGE_", "S3_", "PORTAL_ENV"))
    }
    env.update(PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def mapped_columns(tree: Path) -> dict[str, dict[str, bool]]:
    """{table: {column: nullable}} as the models of the release in ``tree`` map them (read
    by importing them in a subprocess, never into this interpreter)."""
    code = (
        "import json; from portal.models import Base; print(json.dumps({t.name: "
        "{c.name: c.nullable for c in t.c} for t in Base.metadata.tables.values()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tree,
        env=old_env(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)
