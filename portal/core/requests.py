"""Per-request plumbing: a request id for logs and audit entries, and post-commit work."""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _echo_request_id(response):
    if getattr(g, "request_id", None):
        response.headers["X-Request-ID"] = g.request_id
    return response


def client_ip() -> str | None:
    """The peer address (ProxyFix, when configured, has already applied trusted hops)."""
    try:
        return request.remote_addr
    except RuntimeError:
        return None


def current_request_id() -> str | None:
    try:
        return g.get("request_id")
    except RuntimeError:
        return None
