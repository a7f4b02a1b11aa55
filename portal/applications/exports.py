"""CSV and XLSX exports of a call's applications (the staff list's rows, unpaginated).

Columns have stable, readable names; answers follow as ``answer:<question key>`` columns in
the order of the call's form (keys of questions since removed come last). Text that a
spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed with an apostrophe.

The files are streamed (``portal.core.spreadsheets``): one batched pass over the answers counts
the rows and finds the answer columns before the view answers, and the rows themselves are read
in batches while the file is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import Response
from sqlalchemy import Select, select

from portal.applications.answers import display_answer
from portal.calls.constants import QuestionKind
from portal.calls.rules import form_snapshot
from portal.core import spreadsheets
from portal.core.spreadsheets import batched

BASE_COLUMNS = (
    "reference",
    "title",
    "organisation",
    "rfc",
    "applicant_type",
    "state",
    "status",
    "submitted_utc",
    "currency",
    "requested_total",
    "cost_share_total",
    "cofinance_pct",
    "leverage_total",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Export:
    """What a streamed export needs once the view has answered: the file name, the query of
    its rows, the answer columns and the number of rows (for the audit entry)."""

    code: str
    statement: Select
    keys: list[str]
    count: int


def prepare(call, statement: Select) -> Export:
    """One batched pass over the answers only: the row count and the keys of answers to
    questions since removed from the form (their columns come last, sorted)."""
    answers = statement.subquery().c.answers
    seen: set[str] = set()
    count = 0
    for (value,) in batched(select(answers)):
        seen.update(value or {})
        count += 1
    return Export(call.code, statement, answer_keys(call, seen), count)


def answer_keys(call, seen: Iterable[str]) -> list[str]:
    keys = [
        q["key"] for q in form_snapshot(call)["questions"] if q["kind"] != QuestionKind.DOCUMENT
    ]
    return keys + sorted(set(seen) - set(keys))


def rows(export: Export) -> Iterator[list]:
    yield [*BASE_COLUMNS, *(f"answer:{k}" for k in export.keys)]
    for (application,) in batched(export.statement):
        yield [safe_cell(v) for v in _row(application, export.keys)]


def _row(application, keys) -> list:
    org = application.organisation
    questions = {q["key"]: q for q in (application.form_snapshot or {}).get("questions", [])}
    answers = application.answers or {}
    values = [
        application.reference,
        application.title,
        org.legal_name,
        org.rfc,
        org.kind,
        org.state_code,
        application.status,
        application.submitted_dt.isoformat() if application.submitted_dt else "",
        application.currency,
        application.requested_total,
        application.cost_share_total,
        application.cofinance_pct,
        application.leverage_total,
    ]
    for key in keys:
        question = questions.get(key)
        value = answers.get(key)
        values.append(
            display_answer(question, value, formatted=False) if question else _plain(value)
        )
    return values


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def csv_response(export: Export) -> Response:
    cells = (["" if v is None else v for v in row] for row in rows(export))
    return spreadsheets.csv_response(cells, f"{export.code}-applications.csv")


def xlsx_response(export: Export) -> Response:
    def fill(book) -> None:
        sheet = book.create_sheet(export.code[:31])
        for row in rows(export):
            sheet.append(row)  # Decimal amounts stay numbers in the sheet

    return spreadsheets.xlsx_response(fill, f"{export.code}-applications.xlsx")
