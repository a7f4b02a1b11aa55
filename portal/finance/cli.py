"""``flask --app wsgi reminders send [--today YYYY-MM-DD] [--dry-run]``: e-mail reminders about
milestone reports coming due and overdue (run it daily, e.g. from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core import unit_of_work

reminders_cli = AppGroup("reminders", help="E-mail reminders about milestone reports.")


@reminders_cli.command("send")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this date (default: today in the programme's time zone).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be sent; send nothing.")
def send_cmd(on, dry_run: bool) -> None:
    """Send today's reminders: due soon (once) and overdue (repeated)."""
    from portal.finance.reminders import send

    summary = send(on.date() if on else None, dry_run=dry_run)
    if dry_run:
        unit_of_work.discard()
    else:
        unit_of_work.commit()  # its own unit of work; the outbox is delivered after the commit
    for line in summary.lines():
        click.echo(line)
