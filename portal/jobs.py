"""Background jobs: RQ on Redis when ``REDIS_URL`` is set, inline otherwise.

Jobs are named by import path (``"package.module:function"``) so the worker needs no pickled
callables, and run inside an application context. A job carries the id of the request that
enqueued it (``job.meta["request_id"]``); the worker runs it under that id, so the job's log
lines, the e-mails it queues and the audit entries it writes name the same request.
"""

from __future__ import annotations

import importlib
import logging
import os
import time

from flask import current_app

from portal.core.requests import bind_request_id, current_request_id, reset_request_id

log = logging.getLogger("portal.jobs")
QUEUE_NAME = "cofinancia"
# The application built once by ``flask --app wsgi worker`` before RQ forks
# (portal/worker_cli.py), and the process that built it.
_preloaded = None
_preloaded_pid: int | None = None


def preload(app) -> None:
    global _preloaded, _preloaded_pid
    _preloaded, _preloaded_pid = app, os.getpid()


def _app():
    """The preloaded application, or a new one under plain ``rq worker``.

    In a forked work horse the inherited pool is dropped first (``dispose(close=False)``, as
    SQLAlchemy prescribes after a fork): the child opens its own connections and never closes
    the parent's. In the process that built the app (RQ's SimpleWorker, tests) nothing is
    dropped."""
    global _preloaded_pid
    if _preloaded is None:
        from portal import create_app

        return create_app()
    if os.getpid() != _preloaded_pid:
        from portal.core.db import db

        with _preloaded.app_context():
            db.engine.dispose(close=False)
        _preloaded_pid = os.getpid()
    return _preloaded


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def enqueue(path: str, *args, job_timeout: int | None = None, **kwargs):
    """Run ``path(*args, **kwargs)`` on the queue, or now when no Redis is configured.

    ``job_timeout``: seconds the worker lets the job run (RQ's default is 180)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return resolve(path)(*args, **kwargs)
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE_NAME, connection=Redis.from_url(url))
    options = {"job_timeout": job_timeout} if job_timeout else {}
    meta = {"request_id": current_request_id()}
    return queue.enqueue(run_in_app, path, args, kwargs, meta=meta, **options)


def run_in_app(path: str, args, kwargs):
    """Entry point executed by the RQ worker, under the enqueuing request's id."""
    from rq import get_current_job

    job = get_current_job()
    token = bind_request_id((job.meta or {}).get("request_id") if job else None)
    started = time.perf_counter()
    try:
        with _app().app_context():
            result = resolve(path)(*args, **kwargs)
    except Exception:
        log.exception("job %s failed", path, extra={"job": path, "outcome": "failed"})
        raise
    else:
        took = round((time.perf_counter() - started) * 1000, 1)
        log.info("job %s done", path, extra={"job": path, "outcome": "done", "duration_ms": took})
        return result
    finally:
        reset_request_id(token)


# Failed jobs (RQ keeps them in its failed-job registry) ------------------------------------
def _queue():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(url))


def failed_jobs(limit: int = 50) -> list | None:
    """The newest failed jobs (RQ ``Job`` objects), or None when jobs run inline."""
    queue = _queue()
    if queue is None:
        return None
    registry = queue.failed_job_registry
    ids = registry.get_job_ids()[-limit:][::-1]
    return [job for job in queue.job_class.fetch_many(ids, connection=queue.connection) if job]


def failed_count() -> int:
    queue = _queue()
    return 0 if queue is None else queue.failed_job_registry.count


def requeue_failed(job_id: str) -> bool:
    """Run a failed job again; False when it is no longer in the registry."""
    queue = _queue()
    if queue is None or job_id not in queue.failed_job_registry.get_job_ids():
        return False
    queue.failed_job_registry.requeue(job_id)
    return True


def describe(job) -> str:
    """The job's task (its import path) without its arguments, which may hold personal data."""
    args = job.args or ()
    return str(args[0]) if args else job.func_name


def error_of(job) -> str:
    """The last line of the job's latest traceback ("RuntimeError: ...")."""
    result = job.latest_result()
    text = (getattr(result, "exc_string", None) or "").strip()
    return text.splitlines()[-1][:300] if text else ""
