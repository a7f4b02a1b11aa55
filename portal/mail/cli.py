"""``flask --app wsgi mail send``: deliver (or retry) pending outbox messages."""

import click
from flask.cli import AppGroup

from portal.mail.operations import deliver_pending

mail_cli = AppGroup("mail", help="E-mail outbox tools.")


@mail_cli.command("send")
def send_cmd() -> None:
    """Deliver pending messages from the outbox."""
    click.echo(f"{deliver_pending()} message(s) processed.")
