"""``flask --app wsgi sessions prune``: delete session rows that ended long ago (daily)."""

import click
from flask.cli import AppGroup

from portal.accounts import sessions

sessions_cli = AppGroup("sessions", help="Server-side sessions.")


@sessions_cli.command("prune")
@click.option("--keep-days", default=90, show_default=True, help="Keep ended rows this long.")
def prune_cmd(keep_days: int) -> None:
    """Delete session rows that expired or were revoked more than KEEP_DAYS ago."""
    click.echo(sessions.prune_job(keep_days=keep_days))
