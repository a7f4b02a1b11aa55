"""``flask --app wsgi documents check`` and ``documents purge-quarantine``."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core import unit_of_work
from portal.documents.housekeeping import find_problems, purge_quarantine

documents_cli = AppGroup("documents", help="Stored documents: integrity checks and clean-up.")

_hours = click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=None,
    help="Age after which an unfinished upload is removed (default DOCUMENT_QUARANTINE_HOURS).",
)


def _purge(hours: int | None) -> None:
    hours = hours or current_app.config["DOCUMENT_QUARANTINE_HOURS"]
    report = purge_quarantine(timedelta(hours=hours))
    unit_of_work.commit()  # a CLI command is its own unit of work
    click.echo(
        f"Quarantine: removed {len(report.removed_objects)} object(s) older than {hours} h; "
        f"expired {len(report.expired_documents)} unfinished upload(s)."
    )


@documents_cli.command("check")
@click.option("--purge/--no-purge", default=True, help="Also clean the quarantine (default on).")
@_hours
def check_cmd(purge: bool, hours: int | None) -> None:
    """Clean stale quarantine objects, then verify every stored document.

    Exits 1 when a record's object is missing or its size or SHA-256 no longer matches.
    """
    if purge:
        _purge(hours)
    problems = 0
    for problem in find_problems():
        problems += 1
        click.echo(f"document {problem.document_id} ({problem.key}): {problem.problem}", err=True)
    if problems:
        click.echo(f"{problems} document(s) with problems.", err=True)
        sys.exit(1)
    click.echo("All stored documents present and intact.")


@documents_cli.command("purge-quarantine")
@_hours
def purge_cmd(hours: int | None) -> None:
    """Remove quarantine objects never finalized (and expire their pending records)."""
    _purge(hours)
