"""Per request: one log line on ``portal.requests`` and the request metrics (issue 19).

The start hook runs first of all (before the NUL guard, sessions, locale or rate limits) and the
end hook last, so what is measured is the whole request as Flask answers it, refusals included.
Both are kept small: ``/login`` has to stay cheap (issue 18). The user's id is read only when
Flask-Login has already loaded the user: logging never costs a query.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import quote

from flask import Flask, g, request

from portal.core.requests import assign_request_id, client_ip
from portal.ops import metrics
from portal.ops.logs import CLEAN, REDACTED, redact_text

log = logging.getLogger("portal.requests")
#: Path segments that are secrets (a password-reset or invitation token in the URL).
_SECRET_ARG = re.compile(r"token|secret|key", re.IGNORECASE)
_STARTED = "_ops_started"


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    # After-request functions run in reverse order of registration: first in the list is last.
    app.after_request_funcs.setdefault(None, []).insert(0, finish)


def start() -> None:
    setattr(g, _STARTED, time.perf_counter())
    assign_request_id()


def finish(response):
    started = g.pop(_STARTED, None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    status = response.status_code
    endpoint = request.endpoint or ("404" if status == 404 else "unmatched")
    metrics.observe(endpoint, request.method, status, seconds)
    if log.isEnabledFor(logging.INFO):
        path = safe_path()
        method = request.method[:16]
        log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                CLEAN: True,
                "request_id": g.get("request_id"),
                "user_id": _loaded_user_id(),
                "endpoint": request.endpoint,
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "remote_addr": client_ip(),
            },
        )
    return response


def safe_path() -> str:
    """The path without its query string, with secret segments (a reset token) replaced and
    anything that looks like a secret (a CLABE typed into an address) scrubbed; at most 512
    characters."""
    path = request.path[:512]
    for name, value in (request.view_args or {}).items():
        if _SECRET_ARG.search(name) and isinstance(value, str) and value:
            path = path.replace(quote(value, safe="/:@!$&'()*+,;=-._~"), REDACTED)
            path = path.replace(value, REDACTED)
    return redact_text(path)


def _loaded_user_id() -> int | None:
    """The signed-in user's id if this request already loaded it (no query of its own)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
