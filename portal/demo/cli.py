"""STUB: ``flask --app wsgi seed`` loads the demo data (idempotent)."""

import click


@click.command("seed")
def seed_cmd():
    """Load demo data (idempotent)."""
