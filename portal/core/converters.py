"""URL converters. ``<int:...>`` only matches ids the database can hold.

PostgreSQL's ``integer`` stops at 2**31 - 1: a larger id in a URL used to reach the query and
fail with a database error (a 500). Bounding the converter makes such a URL simply not match
(404, or the API's JSON 404) before any view or query runs.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
