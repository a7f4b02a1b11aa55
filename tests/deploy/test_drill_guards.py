"""The restore drill's and the bucket copy's refusals, without a server (both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy import s3copy
from deploy.restore_drill import DrillRefusedError, libpq, scratch_database_url

LIVE = "postgresql+psycopg://cof:secret@db.example:5432/cofinancia"


def test_the_scratch_database_is_never_the_live_one():
    with pytest.raises(DrillRefusedError, match="live database"):
        scratch_database_url(LIVE, "cofinancia")
    scratch = scratch_database_url(LIVE, None)
    assert scratch.rsplit("/", 1)[1].startswith("cofinancia_drill_")
    assert "db.example:5432" in scratch  # same server


def test_the_drill_needs_postgresql():
    with pytest.raises(DrillRefusedError, match="postgresql"):
        scratch_database_url("sqlite:////tmp/cofinancia.sqlite3", None)


def test_the_password_never_reaches_a_command_line():
    url, env = libpq(LIVE)
    assert url == "postgresql://cof@db.example:5432/cofinancia"
    assert env["PGPASSWORD"] == "secret"


def test_the_bucket_copy_keeps_inside_its_folder(tmp_path):
    assert s3copy.safe_path(tmp_path, "documents/abc") == (tmp_path / "documents/abc").resolve()
    for key in ("../escape", "documents/../../escape", "/etc/passwd"):
        with pytest.raises(ValueError, match="outside"):
            s3copy.safe_path(tmp_path, key)


def test_the_bucket_copy_refuses_a_bucket_onto_itself_and_folder_to_folder(tmp_path):
    with pytest.raises(ValueError, match="same bucket"):
        s3copy.copy("s3://docs", "s3://docs/", s3=object())
    with pytest.raises(ValueError, match="one side"):
        s3copy.copy(str(tmp_path), str(Path(tmp_path, "b")), s3=object())
