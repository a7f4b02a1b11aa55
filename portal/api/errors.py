"""JSON errors of the API: ``{"error": {"code", "message"[, "parameter"]}}`` (the ``Error``
shape of ``portal.api.shapes.envelopes``).

Machines read the stable English ``code``; ``message`` is for the person reading the log, in
the language the client's ``Accept-Language`` prefers (English or Spanish; English when it
names neither).
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from portal.core.db import db
from portal.core.i18n import LOCALES
from portal.core.input_guard import UnreadableInput

MESSAGES = {
    "missing_token": _l(
        "Send a personal access token in the Authorization header: Bearer <token>."
    ),
    "invalid_token": _l("The access token is malformed or unknown."),
    "token_revoked": _l("The access token was revoked."),
    "token_expired": _l("The access token has expired. Create a new one on your account page."),
    "account_inactive": _l("The account that owns this access token is deactivated."),
    "not_found": _l("Not found, or you are not allowed to see it."),
    "invalid_parameter": _l("The parameter %(parameter)s is not valid: %(reason)s"),
    "unknown_parameter": _l("The parameter %(parameter)s is not known here."),
    "method_not_allowed": _l("This API is read-only: only GET is allowed."),
    "rate_limited": _l("Too many requests with this token. Wait a moment and retry."),
    "server_error": _l("Something went wrong on our side. Please retry later."),
    "http_error": _l("The request could not be served."),
}
UNAUTHORISED = frozenset(
    {"missing_token", "invalid_token", "token_revoked", "token_expired", "account_inactive"}
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, parameter: str | None = None, reason=None):
        super().__init__(code)
        self.status, self.code, self.parameter, self.reason = status, code, parameter, reason


def language() -> str:
    """English unless the client prefers Spanish."""
    return request.accept_languages.best_match(tuple(LOCALES), default="en") or "en"


def error_response(error: ApiError) -> Response:
    lang = language()
    with force_locale(LOCALES[lang]):
        values = {"parameter": error.parameter or "", "reason": str(error.reason or "")}
        message = str(MESSAGES[error.code]) % values  # no placeholder: unchanged
    # Imported here: the shapes import the paging bounds of params.py, which imports this module.
    from portal.api import shapes
    from portal.api.shapes.envelopes import Error, ErrorDetail

    detail = ErrorDetail(code=error.code, message=message, parameter=error.parameter or None)
    response = json_response(shapes.dump(Error(error=detail)), error.status)
    response.headers["Content-Language"] = lang
    if error.code in UNAUTHORISED:
        challenge = 'Bearer realm="cofinancia"'
        if error.code != "missing_token":
            challenge += f', error="invalid_token", error_description="{error.code}"'
        response.headers["WWW-Authenticate"] = challenge
    return response


def json_response(payload, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    # Private data: never kept by a browser or shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


_BY_STATUS = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}


def http_error(error: HTTPException) -> Response:
    """Werkzeug errors raised inside the API (404, 405, 429...) answered as JSON."""
    db.session.rollback()
    if isinstance(error, UnreadableInput):
        reason = _l("it contains a null byte (U+0000)")
        return error_response(ApiError(400, "invalid_parameter", error.parameter, reason))
    status = error.code or 500
    response = error_response(ApiError(status, _BY_STATUS.get(status, "http_error")))
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def server_error(error: Exception) -> Response:
    if current_app.testing and current_app.config.get("PROPAGATE_EXCEPTIONS", True):
        raise error
    db.session.rollback()
    current_app.logger.exception("unhandled error in the API")
    return error_response(ApiError(500, "server_error"))
