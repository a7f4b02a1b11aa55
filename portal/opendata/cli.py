"""``flask --app wsgi opendata iati|360giving --output FILE``: write an open-data file of every
active grant, for publication from cron.

The file is validated against the shipped schema first; an invalid file (or no grant at all:
an IATI file needs one activity) is not written and the command exits 1. The file is written
to a temporary name beside FILE and renamed, so a web server never serves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.opendata import giving360, grants, iati, validation
from portal.reporting.filters import ReportFilter

opendata_cli = AppGroup("opendata", help="Open-data files (IATI 2.03, 360Giving).")

KINDS = {
    "iati": (iati.build, validation.iati_errors),
    "360giving": (giving360.build, validation.giving360_errors),
}


@opendata_cli.command("iati")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def iati_cmd(output: Path) -> None:
    """Write the IATI 2.03 activity file of every active grant."""
    _publish("iati", output)


@opendata_cli.command("360giving")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def giving360_cmd(output: Path) -> None:
    """Write the 360Giving grant package of every active grant."""
    _publish("360giving", output)


def _publish(kind: str, output: Path) -> None:
    build, errors_of = KINDS[kind]
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise click.ClickException(f"The directory {directory} does not exist: nothing written.")
    published = grants.load(ReportFilter(), grants.Publisher(), db.session)
    if not published:
        raise click.ClickException("No active grant to publish: nothing written.")
    data = build(published)
    errors = errors_of(data)
    if errors:
        raise click.ClickException(
            "The file does not validate, nothing written:\n  " + "\n  ".join(errors[:20])
        )
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"{output}: {len(published)} grant(s), {len(data)} bytes, valid.")
