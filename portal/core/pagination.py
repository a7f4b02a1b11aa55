"""Page through a SELECT with exactly two statements (a count and the page itself).

Shaped for the ``pagination`` macro in ``templates/macros/forms.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import request
from sqlalchemy import Select, func, select

from portal.core.db import db
from portal.core.text import as_id

DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def requested_page() -> int:
    """The ``?page=`` argument; junk, values below 1 or beyond any real page (which would
    overflow the OFFSET) mean the first page."""
    return as_id(request.args.get("page")) or 1


def paginate(
    stmt: Select, number: int, per_page: int = DEFAULT_PER_PAGE, *, scalars: bool = False
) -> Page:
    """Run ``stmt`` for one page; a page past the end shows the last page."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = min(number, max(1, ceil(total / per_page)))
    paged = stmt.limit(per_page).offset((number - 1) * per_page)
    result = db.session.scalars(paged) if scalars else db.session.execute(paged)
    return Page(items=list(result.all()), number=number, per_page=per_page, total=total)
