"""The shapes of a home page's task list and the one query helper every group uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func

from portal.calls.models import Call
from portal.core.db import db


def call_columns():
    """The call's columns a task shows (loading whole calls would load their forms too)."""
    return (Call.code, Call.title_es, Call.title_en, Call.closes_dt, Call.timezone)


# Rows shown per group; the count says how many there are and "see all" links to the list.
SHOWN = 5


@dataclass(frozen=True)
class Task:
    """One thing to do: what, on which object, by when, and the page where it is done."""

    subject: str
    url: str
    action: str
    detail: str = ""
    due: date | datetime | None = None
    zone: str | None = None  # the zone a datetime deadline belongs to (a call's)
    overdue: bool = False


@dataclass
class TaskGroup:
    key: str
    title: str
    tasks: list[Task] = field(default_factory=list)
    total: int = 0
    more_url: str | None = None
    # Information for the person, not something they must do (e.g. waiting for someone else).
    waiting: bool = False

    def __bool__(self) -> bool:
        return self.total > 0


def first_rows(query: Select, limit: int = SHOWN) -> tuple[list, int]:
    """The first ``limit`` rows of ``query`` and the total count, in one statement."""
    total = func.count().over().label("total_rows")
    rows = db.session.execute(query.add_columns(total).limit(limit)).all()
    return rows, (rows[0].total_rows if rows else 0)
