"""``flask --app wsgi audit verify``: re-check the hash chain and record the result."""

import sys

import click
from flask.cli import AppGroup

from portal.audit import checks

audit_cli = AppGroup("audit", help="Audit trail tools.")


@audit_cli.command("verify")
def verify_cmd() -> None:
    """Exit non-zero, naming the first bad entry, if the chain is broken.

    Detects an altered row (its content no longer matches its hash) and a deleted or
    inserted row (the next entry's previous hash no longer matches). Removing the newest
    entries leaves a shorter valid chain: compare the printed count and last hash with an
    earlier run (or an external copy) to catch that. The result is kept (``audit_checks``)
    and shown on the administrators' home page.
    """
    try:
        click.echo(checks.scheduled_verify_job())
    except checks.ChainBrokenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
