"""CSV and XLSX exports of a call's applications (the staff list's rows, unpaginated).

Columns have stable, readable names; answers follow as ``answer:<question key>`` columns in
the order of the call's form (keys of questions since removed come last). Text that a
spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

from portal.applications.answers import display_answer
from portal.calls.constants import QuestionKind
from portal.calls.rules import form_snapshot

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


def answer_keys(call, applications) -> list[str]:
    keys = [
        q["key"] for q in form_snapshot(call)["questions"] if q["kind"] != QuestionKind.DOCUMENT
    ]
    extra = sorted({k for a in applications for k in (a.answers or {})} - set(keys))
    return keys + extra


def rows(call, applications: list) -> Iterable[list]:
    keys = answer_keys(call, applications)
    yield [*BASE_COLUMNS, *(f"answer:{k}" for k in keys)]
    for application in applications:
        yield [safe_cell(v) for v in _row(application, keys)]


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


def csv_response(call, applications: list) -> Response:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(out)
    for row in rows(call, applications):
        writer.writerow(["" if v is None else v for v in row])
    return _attachment(out.getvalue().encode("utf-8"), f"{call.code}-applications.csv", "text/csv")


def xlsx_response(call, applications: list) -> Response:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(call.code[:31])
    for row in rows(call, applications):
        sheet.append(row)  # Decimal amounts stay numbers in the sheet
    out = io.BytesIO()
    book.save(out)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(out.getvalue(), f"{call.code}-applications.xlsx", mime)


def _attachment(body: bytes, filename: str, mime: str) -> Response:
    response = Response(body, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
