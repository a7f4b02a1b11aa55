"""``flask --app wsgi opendata iati|360giving --output FILE``: write an open-data file of every
active grant (the scheduler writes both daily into ``OPENDATA_DIR``: portal/opendata/publish.py).

An invalid file (or no grant at all) is not written and the command exits 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.opendata.publish import PublishError, write_file

opendata_cli = AppGroup("opendata", help="Open-data files (IATI 2.03, 360Giving).")


@opendata_cli.command("iati")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def iati_cmd(output: Path) -> None:
    """Write the IATI 2.03 activity file of every active grant."""
    _publish("iati", output)


@opendata_cli.command("360giving")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path))
def giving360_cmd(output: Path) -> None:
    """Write the 360Giving grant package of every active grant."""
    _publish("360giving", output)


def _publish(kind: str, output: Path) -> None:
    try:
        click.echo(write_file(kind, output))
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
