"""Writing the open-data files (CLI ``opendata iati|360giving --output FILE`` and the
scheduler's ``opendata.publish`` task, which writes both into ``OPENDATA_DIR``).

The file is validated against the shipped schema first; an invalid file (or no grant at all:
an IATI file needs one activity) is not written. The file is written to a temporary name
beside the target and renamed, so a web server never serves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app

from portal.core.db import db
from portal.opendata import giving360, grants, iati, validation
from portal.reporting.filters import ReportFilter

KINDS = {
    "iati": (iati.build, validation.iati_errors),
    "360giving": (giving360.build, validation.giving360_errors),
}
FILE_NAMES = {"iati": "iati-activities.xml", "360giving": "360giving.json"}


class PublishError(RuntimeError):
    """Nothing was written (the message says why)."""


def write_file(kind: str, output: Path) -> str:
    """Build, validate and atomically write one file; returns a one-line summary."""
    build, errors_of = KINDS[kind]
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise PublishError(f"The directory {directory} does not exist: nothing written.")
    published = grants.load(ReportFilter(), grants.Publisher(), db.session)
    if not published:
        raise PublishError("No active grant to publish: nothing written.")
    data = build(published)
    errors = errors_of(data)
    if errors:
        raise PublishError(
            "The file does not validate, nothing written:\n  " + "\n  ".join(errors[:20])
        )
    _replace(directory, output, data)
    return f"{output}: {len(published)} grant(s), {len(data)} bytes, valid."


def _replace(directory: Path, output: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publish_job() -> str:
    """Scheduled job: write both files into ``OPENDATA_DIR``."""
    directory = Path(current_app.config["OPENDATA_DIR"])
    return " ".join(write_file(kind, directory / name) for kind, name in FILE_NAMES.items())
