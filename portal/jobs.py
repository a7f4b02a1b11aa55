"""Background jobs: RQ on Redis when ``REDIS_URL`` is set, inline otherwise.

Jobs are named by import path (``"package.module:function"``) so the worker needs no pickled
callables, and run inside an application context.
"""

from __future__ import annotations

import importlib
import logging

from flask import current_app

log = logging.getLogger("portal.jobs")
QUEUE_NAME = "cofinancia"


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def enqueue(path: str, *args, **kwargs):
    """Run ``path(*args, **kwargs)`` on the queue, or now when no Redis is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return resolve(path)(*args, **kwargs)
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE_NAME, connection=Redis.from_url(url))
    return queue.enqueue(run_in_app, path, args, kwargs)


def run_in_app(path: str, args, kwargs):
    """Entry point executed by the RQ worker."""
    from portal import create_app

    app = create_app()
    with app.app_context():
        return resolve(path)(*args, **kwargs)
