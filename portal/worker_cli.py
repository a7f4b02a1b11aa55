"""``flask --app wsgi worker``: the RQ worker of the ``cofinancia`` queue, with the application
built once.

``rq worker`` imports nothing of ours, so every job used to build a whole application (Babel
catalogues, blueprints, templates: seconds on a busy machine) in its forked work horse. Here the
parent builds it before RQ forks, and each work horse inherits it (``portal.jobs.preloaded``).
The parent never touches the database, so no connection crosses a fork; each work horse still
drops any inherited pool before its first statement (``portal.jobs.run_in_app``).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--name", default=None, help="The worker's name (default: RQ's).")
@with_appcontext
def worker_cmd(burst: bool, name: str | None) -> None:
    """Run jobs from the queue (needs REDIS_URL)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError(
            "REDIS_URL is not set: without it jobs run inline, no worker is needed."
        )
    from redis import Redis
    from rq import Queue, Worker

    from portal import jobs

    jobs.preload(current_app._get_current_object())
    connection = Redis.from_url(url)
    worker = Worker(
        [Queue(jobs.QUEUE_NAME, connection=connection)], connection=connection, name=name
    )
    worker.work(burst=burst, with_scheduler=False)
