"""Per-request plumbing: a request id for logs and audit entries, and post-commit work."""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)


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
