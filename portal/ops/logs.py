"""Logs for operators (issue 19): one handler, readable text or one JSON object per line, every
record stamped with its request id and scrubbed of secrets.

:func:`configure` runs in ``create_app``. It puts a single handler (named ``portal``) on the root
logger; building the app again (tests build many) updates that handler instead of adding a
second one. ``LOG_FORMAT`` picks ``text`` (development, tests) or ``json`` (production);
``LOG_LEVEL`` the level of the ``portal`` loggers.

Redaction is a filter on the handler, so it covers every logger that reaches it (the portal's,
Werkzeug's, RQ's): values of sensitive fields (passwords, tokens, CLABEs, cookies, document
contents) are replaced, and so are tokens, CLABEs and secret links found inside messages and
tracebacks. The request log itself writes no body, no query string and no secret path segment.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

from portal.core.requests import current_request_id

HANDLER_NAME = "portal"
REDACTED = "[redacted]"
#: A record carrying this attribute (true) was built from redacted parts only.
CLEAN = "_portal_clean"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"

#: Field names whose values are never written (extra fields, form-like dicts).
SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?|token|secret|clabe|authori[sz]ation|cookie|csrf|api[_-]?key|otp|"
    r"recovery|content|body|signature",
    re.IGNORECASE,
)
#: Patterns removed from any text (messages, tracebacks, string fields).
_PATTERNS = (
    # key=value or "key": "value" pairs naming a secret
    (
        re.compile(
            r"(?i)\b((?:new_|current_|confirm_)?(?:password|passwd|token|secret|clabe|"
            r"csrf_token|api_key)\b['\"]?[ \t]*[=:][ \t]*['\"]?)[^\s'\"&,;}]+"
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer\s+)\S+"), r"\1" + REDACTED),
    (re.compile(r"\bcfp_[A-Za-z0-9_-]{8,}"), "cfp_" + REDACTED),  # API tokens
    (re.compile(r"(?<!\d)\d{18}(?!\d)"), REDACTED),  # CLABE (18 digits)
    # Links that carry a secret: password reset, e-mail verification, invitations
    (
        re.compile(r"(/(?:reset-password|verify-email|invitations)/)[^\s/?#'\"<>]+"),
        r"\1" + REDACTED,
    ),
)
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(key: str, value):
    """A field's value as it may be logged."""
    if SENSITIVE_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Scrub a record before any formatter sees it (message, extra fields, traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if vars(record).pop(CLEAN, False):
            return True  # built from redacted parts (the request log): nothing to scrub
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = str(record.msg)
        record.msg, record.args = redact_text(message), None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and key != "request_id":
                setattr(record, key, redact_value(key, value))
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact_text(text), None
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Every record names its request (or the request that enqueued its job): ``-`` if none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when the record comes (test runners swap it), unless
    given a stream of its own (``setStream``)."""

    def __init__(self) -> None:
        self._own_stream = None
        super().__init__()

    @property
    def stream(self):
        return self._own_stream or sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        self._own_stream = None if value is sys.stderr else value


def _formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        from pythonjsonlogger.json import JsonFormatter

        class UTCJsonFormatter(JsonFormatter):
            def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
                """ISO 8601 in UTC with milliseconds: ``2026-12-06T23:06:43.123+00:00``."""
                moment = datetime.fromtimestamp(record.created, UTC)
                return moment.isoformat(timespec="milliseconds")

        return UTCJsonFormatter(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT_FORMAT)


def configure(app: Flask) -> logging.Handler:
    """Install (or update) the portal's log handler from ``LOG_FORMAT`` and ``LOG_LEVEL``."""
    kind = str(app.config.get("LOG_FORMAT") or "text").lower()
    level = logging.getLevelName(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    if not isinstance(level, int):
        level = logging.INFO
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = StderrHandler()
        handler.set_name(HANDLER_NAME)
        handler.addFilter(RequestIdFilter())
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    handler.setFormatter(_formatter("json" if kind == "json" else "text"))
    # Records of portal.* reach the root's handler whatever the root's own level (WARNING by
    # default, which keeps other libraries' INFO chatter out).
    logging.getLogger("portal").setLevel(level)
    return handler
