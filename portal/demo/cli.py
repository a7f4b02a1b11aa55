"""``flask --app wsgi seed``: load the demo data (idempotent; refused in production)."""

import click
from flask.cli import with_appcontext

from portal.core import unit_of_work


@click.command("seed")
@with_appcontext
def seed_cmd() -> None:
    """Load the demo accounts and organisations (safe to run again)."""
    from portal.demo.seed import SeedRefusedError, seed_all

    try:
        world = seed_all()
    except SeedRefusedError as exc:
        raise click.ClickException(str(exc)) from None
    unit_of_work.commit()
    created = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(world.created.items()))
    click.echo(f"Demo data ready: {created or 'nothing new'}.")
    click.echo("Demo accounts and their password: see README.md.")
