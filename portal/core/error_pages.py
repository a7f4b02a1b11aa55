"""Error pages (403, 404, 500...) rendered in the user's language."""

from __future__ import annotations

import time

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.core.db import db
from portal.core.input_guard import UnreadableInput
from portal.extensions import limiter


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _csrf_error(error: CSRFError):
    db.session.rollback()
    return render_template("errors/csrf.html"), 400


def _http_error(error: HTTPException):
    db.session.rollback()
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, UnreadableInput):  # registered under HTTPException so the API's wins
        return render_template("errors/unreadable.html", error=error), 400
    template = "errors/%s.html" % (error.code if error.code in (403, 404, 429) else "generic")
    page = render_template(template, error=error)
    if error.code == 429:
        return page, 429, {"Retry-After": str(_retry_after(error))}
    return page, error.code


def _retry_after(error: HTTPException) -> int:
    """Seconds to wait: the error's own Retry-After, else the breached limit's reset."""
    for name, value in error.get_headers():
        if name == "Retry-After" and value.isdigit():
            return int(value)
    breached = limiter.current_limit if limiter.enabled else None
    if breached is not None and breached.breached:
        return max(1, breached.reset_at - int(time.time()))
    return 60


def _server_error(error: Exception):
    from flask import current_app

    if current_app.testing and current_app.config.get("PROPAGATE_EXCEPTIONS", True):
        raise error
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    return render_template("errors/500.html"), 500
