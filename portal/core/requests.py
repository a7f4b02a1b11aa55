"""Per-request plumbing: a request id for logs and audit entries, and post-commit work."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: The request id outside a request: a background job runs under the id of the request that
#: enqueued it (portal/jobs.py), so its log lines, e-mails and audit entries carry it too.
_OUTSIDE_REQUEST_ID: ContextVar[str | None] = ContextVar("portal_request_id", default=None)


def init_app(app: Flask) -> None:
    app.session_interface = SigningOnce()
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)


class SigningOnce(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signer built once per secret key instead of on
    every request (Flask builds it even when the request carries no cookie)."""

    _signer: tuple | None = None

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._signer is None or self._signer[0] != key:
            self._signer = (key, super().get_signing_serializer(app))
        return self._signer[1]


def limits_only_where_declared(app: Flask, limiter) -> None:
    """Run Flask-Limiter's before-request hook only when a limit may apply outside the views'
    own decorators (which check theirs when the view runs).

    The hook resolves limits for every request, static pages included: a sixth of the time of
    a page that runs no query. This portal declares limits on some views and on the API
    blueprint only, so the hook is skipped unless there are application, default or meta
    limits, endpoint hints, or a limit on the request's blueprint (or a parent). It reads
    Flask-Limiter's registries (pinned version): the 429 tests of tests/api/test_auth.py and
    tests/accounts/test_rate_limit.py watch it.
    """
    hook = limiter._check_request_limit
    funcs = app.before_request_funcs.setdefault(None, [])
    if hook not in funcs:
        return
    manager = limiter.limit_manager

    def check_declared_limits() -> None:
        blueprint = request.blueprint
        if (
            manager._application_limits
            or manager._default_limits
            or limiter._meta_limits
            or manager._endpoint_hints
            or (blueprint and not manager._blueprint_limits.keys().isdisjoint(blueprint.split(".")))
        ):
            hook()

    funcs[funcs.index(hook)] = check_declared_limits


def _assign_request_id() -> None:
    """The request's id: a well-formed ``X-Request-ID`` header (a proxy's or a client's, so
    one request can be followed through every layer), otherwise a new one. Idempotent: the
    request log (portal/ops) assigns it first, before anything can refuse the request."""
    if g.get("request_id"):
        return
    g.received_at = datetime.now(UTC)
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def assign_request_id() -> str:
    _assign_request_id()
    return g.request_id


def _echo_request_id(response):
    if getattr(g, "request_id", None):
        response.headers["X-Request-ID"] = g.request_id
    return response


def received_at() -> datetime | None:
    """When this request reached the portal: the earlier of this worker's first look at it and,
    behind a trusted proxy (``PROXY_FIX_HOPS``) that stamps ``REQUEST_START_HEADER`` (nginx:
    ``proxy_set_header X-Request-Start "t=${msec}";``), the proxy's stamp — so time spent queued
    for a busy worker counts as before a deadline. Never earlier than ``RECEIVED_AT_MAX_WAIT``
    seconds before now: a client cannot buy itself more time. None outside a request."""
    try:
        seen = g.get("received_at")
    except RuntimeError:
        return None
    if seen is None:
        return None
    config = current_app.config
    stamped = _proxy_stamp(config) if config.get("PROXY_FIX_HOPS") else None
    earliest = seen - timedelta(seconds=config.get("RECEIVED_AT_MAX_WAIT", 60))
    if stamped is not None and earliest <= stamped < seen:
        return stamped
    return seen


def _proxy_stamp(config) -> datetime | None:
    """``t=<seconds since the epoch>`` (fractions allowed; milli- and microseconds too)."""
    header = config.get("REQUEST_START_HEADER") or ""
    raw = request.headers.get(header, "") if header else ""
    match = re.fullmatch(r"t=(\d{1,17})(?:\.(\d{1,6}))?", raw.strip())
    if not match:
        return None
    value = float(f"{match[1]}.{match[2] or 0}")
    while value > 1e11:  # milliseconds or microseconds
        value /= 1000
    return datetime.fromtimestamp(value, UTC)


def client_ip() -> str | None:
    """The peer address (ProxyFix, when configured, has already applied trusted hops)."""
    try:
        return request.remote_addr
    except RuntimeError:
        return None


def current_request_id() -> str | None:
    """This request's id; in a background job, the id of the request that enqueued it."""
    try:
        return g.get("request_id") or _OUTSIDE_REQUEST_ID.get()
    except RuntimeError:
        return _OUTSIDE_REQUEST_ID.get()


def valid_request_id(value) -> str | None:
    return value if isinstance(value, str) and _REQUEST_ID.match(value) else None


def bind_request_id(value: str | None):
    """Run the following code (a job) under ``value``; returns the token to ``reset`` with."""
    return _OUTSIDE_REQUEST_ID.set(valid_request_id(value))


def reset_request_id(token) -> None:
    _OUTSIDE_REQUEST_ID.reset(token)
