"""What domains above reports add to a report, registered (not imported) when their blueprint
is set up: ``portal.results`` adds the indicator actuals of progress reports.

- ``register_check(fn)``: ``fn(report) -> list[str]``, problems that stop the grantee from
  submitting (e.g. an indicator without its actual for the period). Run by ``submit``.
- ``register_section(fn)``: ``fn(report, user) -> Section | None``, a block the report page
  shows (a title, a one-line summary, a link to the page that edits or verifies it, and
  whether it is complete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    url: str
    link_text: str
    complete: bool = True


_CHECKS: list[Callable] = []
_SECTIONS: list[Callable] = []


def register_check(fn: Callable) -> None:
    if fn not in _CHECKS:
        _CHECKS.append(fn)


def register_section(fn: Callable) -> None:
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)


def submission_problems(report) -> list[str]:
    return [problem for fn in _CHECKS for problem in fn(report)]


def sections(report, user) -> list[Section]:
    return [s for fn in _SECTIONS if (s := fn(report, user)) is not None]
