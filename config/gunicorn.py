"""gunicorn settings for production: ``gunicorn -c config/gunicorn.py wsgi:app``.

- gthread workers (``WEB_CONCURRENCY``, default 2: about one per core) with
  ``GUNICORN_THREADS`` threads each (default 4): the deadline-surge benchmark's choice.
- Bound to ``GUNICORN_BIND`` (default ``127.0.0.1:8000``), behind a buffering reverse proxy;
  ``--bind`` on the command line wins.
- No access log: the portal writes one JSON line per request itself (``LOG_FORMAT=json``).
- Prometheus multiprocess mode: every worker keeps its counts in files under
  ``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder per gunicorn master unless set), which
  ``/metrics`` adds up; the folder is emptied at start and removed at exit, and a worker that
  exits is marked dead. The variable is set here, before any worker imports the app, as
  prometheus-client requires.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_OWN_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(
        Path(tempfile.gettempdir()) / f"cofinancia-metrics-{os.getpid()}"
    )
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "cofinancia"


def on_starting(server) -> None:
    """Start from an empty metrics folder: counts of a previous run would be added in."""
    if METRICS_DIR.exists():
        for leftover in METRICS_DIR.glob("*.db"):
            leftover.unlink()
    METRICS_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """A worker exited: its live gauges no longer count (prometheus-client's clean-up)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _OWN_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
