"""Operations (issue 19): health probes, Prometheus metrics and structured request logs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Logging once per process (updated on a new app), the per-request log line and metrics,
    and the probes' exemption from the second-factor enrolment guard (no session is read)."""
    from portal.accounts import enrolment_guard
    from portal.ops import logs, requests_log

    logs.configure(app)
    requests_log.init_app(app)
    enrolment_guard.ALLOWED_BLUEPRINTS.add("ops")
