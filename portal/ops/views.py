"""Probes and metrics for the machines that run the portal (issue 19).

``/healthz`` (liveness) answers from the process alone; ``/readyz`` (readiness) checks the
database, its migrations, Redis and storage; ``/metrics`` serves Prometheus. None of them uses
the session, the rate limits or CSRF, none writes, and the probes answer JSON in any language.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify

from portal.extensions import csrf, limiter
from portal.ops import access, health, metrics

bp = Blueprint("ops", __name__)
csrf.exempt(bp)
limiter.exempt(bp)


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. Touches nothing (no database, session or Redis)."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    """Readiness: 200 when every dependency answers, else 503 naming the failing check."""
    ready, checks = health.readiness()
    response = jsonify(status="ok" if ready else "fail", checks=checks)
    response.status_code = 200 if ready else 503
    return _no_store(response)


@bp.get("/metrics")
def prometheus():
    if not access.may_read_metrics():
        abort(404)
    body, content_type = metrics.render()
    return _no_store(Response(body, content_type=content_type))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
