"""Refuse NUL bytes in a request's address before any view or query sees them.

PostgreSQL cannot store or even compare text containing NUL (``\\x00``): one in the path, a
query parameter or a form used to reach a query and fail with a database error (a 500). No
person types NUL, so a request whose address carries one is refused here, once, for every
route: a path with NUL names nothing (404); a query string with NUL is a bad request (400),
answered in the user's language (or as the API's JSON error, by its own error handler). So are
form field *names* and upload file names with NUL. Form *values* are left to the form fields
(``portal.core.fields``), which refuse every control character with a message next to the
text and keep the rest of what the person typed.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound

from portal.core.text import has_nul

_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class UnreadableInput(BadRequest):
    """A query parameter or form field that carries a NUL byte; ``parameter`` names it."""

    def __init__(self, parameter: str) -> None:
        super().__init__()
        self.parameter = parameter


def init_app(app: Flask) -> None:
    # First in line: before sessions, locale or rate limits read anything from the request.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul)


def refuse_nul() -> None:
    if request.routing_exception is not None:
        return  # no view will run: routing answers (404/405) in the route's own format
    if has_nul(request.path):
        raise NotFound()
    for name, value in request.args.items(multi=True):
        if has_nul(name) or has_nul(value):
            raise UnreadableInput(name.replace("\x00", ""))
    if request.mimetype not in _FORM_TYPES:
        return  # no form to read (Werkzeug parses only these two): skip building empty ones
    for name in request.form:
        if has_nul(name):
            raise UnreadableInput(name.replace("\x00", ""))
    for name, upload in request.files.items(multi=True):
        if has_nul(name) or has_nul(upload.filename or ""):
            raise UnreadableInput(name.replace("\x00", ""))
