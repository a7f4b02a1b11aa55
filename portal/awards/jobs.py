"""The awards' PDF jobs (agreements, decline letters) run after the unit of work commits."""

from __future__ import annotations

import logging

from portal.core.unit_of_work import on_commit

log = logging.getLogger("portal.awards")


def enqueue_after_commit(path: str, *args) -> None:
    """Queue ``path(*args)`` once the rows it reads are committed (``portal.jobs.enqueue``: on
    RQ when Redis is configured, inline otherwise). The committed decision stands when the job
    fails: the failure is logged, and the page is not turned into an error."""
    on_commit(_enqueue, path, *args)


def _enqueue(path: str, *args) -> None:
    from portal.jobs import enqueue

    try:
        enqueue(path, *args)
    except Exception:
        log.exception("job %s%r failed", path, args)
