"""Registers every command group under ``flask --app wsgi ...``."""

from flask import Flask


def register(app: Flask) -> None:
    from portal.accounts.cli import sessions_cli
    from portal.audit.cli import audit_cli
    from portal.core.migrate import db_cli
    from portal.demo.cli import seed_cmd
    from portal.documents.cli import documents_cli
    from portal.finance.cli import reminders_cli
    from portal.mail.cli import mail_cli
    from portal.opendata.cli import opendata_cli
    from portal.scheduler.cli import scheduler_cli
    from portal.worker_cli import worker_cmd

    for command in (db_cli, audit_cli, mail_cli, seed_cmd, documents_cli):
        app.cli.add_command(command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(opendata_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(worker_cmd)
