"""Query parameters of the API: strict, so a typo is a 400 naming the parameter rather than a
silently unfiltered answer."""

from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from portal.api.errors import ApiError
from portal.core.converters import MAX_ID  # one bound for path ids and query ids

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

PAGING = ("page", "per_page")
# The one form the document gives (ASCII digits). date.fromisoformat alone also reads ISO week
# dates ("2027-W10-1") and even "20270301T0" as dates.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Params:
    """``Params(allowed)`` refuses unknown and repeated parameters; the getters refuse bad
    values. Every refusal is ``ApiError(400)`` naming the parameter."""

    def __init__(self, *allowed: str) -> None:
        self.allowed = frozenset(allowed)
        for name in request.args:
            if name not in self.allowed:
                raise ApiError(400, "unknown_parameter", parameter=name)
            if len(request.args.getlist(name)) > 1:
                raise ApiError(400, "invalid_parameter", name, _l("give it only once"))

    def _raw(self, name: str) -> str | None:
        assert name in self.allowed, name
        value = request.args.get(name)
        return None if value is None else value.strip()

    def integer(self, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
            reason = _l("a whole number from %(low)s to %(high)s", low=minimum, high=maximum)
            raise ApiError(400, "invalid_parameter", name, reason)
        return int(raw)

    def day(self, name: str) -> date | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            if not _DAY.fullmatch(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            raise ApiError(400, "invalid_parameter", name, _l("a date as YYYY-MM-DD")) from None

    def choice(self, name: str, choices) -> str | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if raw not in choices:
            reason = _l("one of %(choices)s", choices=", ".join(choices))
            raise ApiError(400, "invalid_parameter", name, reason)
        return raw

    def paging(self) -> tuple[int, int]:
        page = self.integer("page") or 1
        per_page = self.integer("per_page", maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
        return page, per_page
