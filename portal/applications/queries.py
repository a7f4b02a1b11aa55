"""The staff list of a call's applications: filters, search and sorting, all in SQL.

Totals are read from the columns the budget operation keeps in step, so the page runs the
same statements whatever the number of rows (a count and the page; the export: one).
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, raiseload

from portal.applications.models import Application
from portal.organisations.models import Organisation

SORT_COLUMNS = {
    "submitted": (Application.submitted_dt,),
    "reference": (Application.number,),
    "organisation": (Organisation.legal_name,),
    "title": (Application.title,),
    "requested": (Application.requested_total,),
    "cofinance": (Application.cofinance_pct,),
    "status": (Application.status,),
}


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def staff_list(call, filters: dict) -> Select:
    """Submitted (ever) applications of ``call`` matching ``filters`` (see StaffFilterForm)."""
    stmt = (
        select(Application)
        .join(Application.organisation)
        .options(contains_eager(Application.organisation), raiseload(Application.call))
        .where(Application.call_id == call.id, Application.submitted_dt.is_not(None))
    )
    stmt = _filter(stmt, filters)
    return _sort(stmt, filters.get("sort", "submitted"), filters.get("direction", "asc"))


def _filter(stmt: Select, f: dict) -> Select:
    if f.get("status"):
        stmt = stmt.where(Application.status == f["status"])
    if f.get("state"):
        stmt = stmt.where(Organisation.state_code == f["state"])
    if f.get("kind"):
        stmt = stmt.where(Organisation.kind == f["kind"])
    if f.get("pct_min") is not None:
        stmt = stmt.where(Application.cofinance_pct >= f["pct_min"])
    if f.get("pct_max") is not None:
        stmt = stmt.where(Application.cofinance_pct <= f["pct_max"])
    if f.get("requested_min") is not None:
        stmt = stmt.where(Application.requested_total >= f["requested_min"])
    if f.get("requested_max") is not None:
        stmt = stmt.where(Application.requested_total <= f["requested_max"])
    if f.get("q"):
        pattern = like_pattern(f["q"][:100])
        stmt = stmt.where(
            or_(
                Application.title.ilike(pattern, escape="\\"),
                Organisation.legal_name.ilike(pattern, escape="\\"),
                Application.reference.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def _sort(stmt: Select, key: str, direction: str) -> Select:
    columns = SORT_COLUMNS.get(key, SORT_COLUMNS["submitted"])
    ordered = [c.desc() if direction == "desc" else c.asc() for c in columns]
    tie = Application.id.desc() if direction == "desc" else Application.id.asc()
    return stmt.order_by(*ordered, tie)
