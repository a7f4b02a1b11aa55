"""``flask --app wsgi audit verify``: re-check the hash chain."""

import sys

import click
from flask.cli import AppGroup

from portal.audit.chain import iter_problems
from portal.core.db import db

audit_cli = AppGroup("audit", help="Audit trail tools.")


@audit_cli.command("verify")
def verify_cmd() -> None:
    """Exit non-zero, naming the first bad entry, if the chain is broken."""
    for entry_id, problem in iter_problems(db.session()):
        click.echo(f"Audit chain broken at entry {entry_id}: {problem}", err=True)
        sys.exit(1)
    click.echo("Audit chain intact.")
