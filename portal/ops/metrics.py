"""Prometheus metrics (issue 19): request counts and latencies, plus gauges read at scrape time.

Requests are counted per Flask endpoint (never the raw path: bounded cardinality), method and
status. Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by config/gunicorn.py before the app
is imported) makes prometheus-client keep the counts in files that :func:`render` adds up over
every worker; ``child_exit`` in config/gunicorn.py marks dead workers.

The gauges (job queue, outbox, audit chain) are not updated by anyone: :class:`PortalCollector`
reads them when Prometheus scrapes, with a few indexed queries, so every instance reports the
same values. A source that cannot be read is left out and ``cofinancia_metrics_source_up`` says
which.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("portal.ops")

REQUESTS = Counter(
    "cofinancia_http_requests",
    "HTTP requests answered by the portal, by Flask endpoint, method and status.",
    ("endpoint", "method", "status"),
)
DURATION = Histogram(
    "cofinancia_http_request_duration_seconds",
    "Time spent answering a request in the portal (after the WSGI server), by endpoint.",
    ("endpoint", "method"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


_CHILDREN: dict[tuple[str, str, int], tuple] = {}


def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request. The labelled series are looked up once per combination
    (a bounded set: endpoints × methods × statuses), not on every request."""
    key = (endpoint, method, status)
    children = _CHILDREN.get(key)
    if children is None:
        label = method if method in METHODS else "OTHER"
        children = (
            REQUESTS.labels(endpoint, label, str(status)),
            DURATION.labels(endpoint, label),
        )
        if len(_CHILDREN) < 10_000:  # hostile methods cannot grow it without bound
            _CHILDREN[key] = children
    children[0].inc()
    children[1].observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render() -> tuple[bytes, str]:
    """The exposition text of this process (or of every worker, in multiprocess mode) and the
    portal's gauges. Called inside the /metrics request (it reads the database)."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_DefaultRegistry())
    registry.register(PortalCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _DefaultRegistry:
    """This process's metrics (single-process mode: ``flask run``, one sync worker, tests),
    less ``python_info``: no software versions are published."""

    def collect(self):
        return (family for family in REGISTRY.collect() if family.name != "python_info")


class PortalCollector:
    """Gauges computed when scraped: queue depth and failed jobs, outbox, audit chain."""

    def collect(self):
        up = GaugeMetricFamily(
            "cofinancia_metrics_source_up",
            "1 when the source of the portal's gauges could be read at this scrape.",
            labels=("source",),
        )
        for source, read in (("jobs", _job_gauges), ("database", _database_gauges)):
            try:
                families = list(read())
            except Exception as exc:  # a scrape never fails: the gauge says what is missing
                log.warning("metrics: %s unreadable (%s)", source, type(exc).__name__)
                up.add_metric((source,), 0)
                continue
            up.add_metric((source,), 1)
            yield from families
        yield up


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _job_gauges():
    """RQ's queue length and failed-job registry (0 and 0 when jobs run inline)."""
    from flask import current_app

    queued = failed = 0
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        from portal.jobs import QUEUE_NAME

        connection = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            queue = Queue(QUEUE_NAME, connection=connection)
            queued, failed = queue.count, queue.failed_job_registry.count
        finally:
            connection.close()
    yield _gauge("cofinancia_jobs_queued", "Background jobs waiting on the queue.", queued)
    yield _gauge("cofinancia_jobs_failed", "Background jobs in RQ's failed-job registry.", failed)


def _database_gauges():
    from portal.ops.operations import audit_chain_state, outbox_counts

    counts = outbox_counts()
    yield _gauge(
        "cofinancia_outbox_pending", "E-mails in the outbox not yet sent.", counts["pending"]
    )
    yield _gauge(
        "cofinancia_outbox_failed",
        "E-mails given up after the last delivery attempt.",
        counts["failed"],
    )
    verified_at, last_ok = audit_chain_state()
    if verified_at is not None:
        yield _gauge(
            "cofinancia_audit_chain_verified_timestamp_seconds",
            "When the audit trail's hash chain was last verified intact (Unix time).",
            verified_at.timestamp(),
        )
    if last_ok is not None:
        yield _gauge(
            "cofinancia_audit_chain_last_check_ok",
            "1 when the latest check of the audit trail's hash chain found it intact.",
            1 if last_ok else 0,
        )
