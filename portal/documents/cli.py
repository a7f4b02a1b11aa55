"""``flask --app wsgi documents check`` and ``documents purge-quarantine``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.documents.housekeeping import find_problems, purge

documents_cli = AppGroup("documents", help="Stored documents: integrity checks and clean-up.")

_hours = click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=None,
    help="Age after which an unfinished upload is removed (default DOCUMENT_QUARANTINE_HOURS).",
)


def _purge(hours: int | None) -> None:
    click.echo(purge(hours))  # its own unit of work (committed)


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
