"""``flask --app wsgi audit verify``: re-check the hash chain."""

import sys
from contextlib import closing

import click
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.chain import iter_problems
from portal.audit.models import AuditEntry
from portal.core.db import db

audit_cli = AppGroup("audit", help="Audit trail tools.")


@audit_cli.command("verify")
def verify_cmd() -> None:
    """Exit non-zero, naming the first bad entry, if the chain is broken.

    Detects an altered row (its content no longer matches its hash) and a deleted or
    inserted row (the next entry's previous hash no longer matches). Removing the newest
    entries leaves a shorter valid chain: compare the printed count and last hash with an
    earlier run (or an external copy) to catch that.
    """
    # A session of its own: rows are read as stored, never from another session's cache,
    # and closing it also closes the streaming cursor if we stop at the first problem.
    session = Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint")
    try:
        with closing(iter_problems(session)) as problems:
            first = next(problems, None)
        if first is not None:
            click.echo(f"Audit chain broken at entry {first[0]}: {first[1]}", err=True)
            sys.exit(1)
        count = session.scalar(select(func.count()).select_from(AuditEntry))
        last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    finally:
        session.close()
    click.echo(f"Audit chain intact: {count} entries, last hash {last or '-'}.")
