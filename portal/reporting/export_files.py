"""The ledgers' file formats: a ``Ledger`` (columns, rows, totals) written as CSV or XLSX, its
file name and the filter in words (the XLSX file's second sheet).

Amounts are numbers (XLSX cells with a two-decimal format, CSV ``1234.50``), dates ISO. Text a
spreadsheet would run as a formula is neutralised with ``safe_cell``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from portal.applications.exports import safe_cell
from portal.core import spreadsheets
from portal.organisations.mexican_states import BY_INEGI
from portal.reporting.filters import ReportFilter

TEXT, MONEY, RATE = "text", "money", "rate"
FORMATS = ("csv", "xlsx")
XLSX_MIME = spreadsheets.XLSX_MIME


@dataclass(frozen=True)
class Column:
    label: object  # a lazy translated string
    kind: str = TEXT  # how a Decimal in this column is shown: money (0.00) or rate (0.000000)
    width: int = 14


@dataclass
class Ledger:
    name: str  # file name stem
    title: object  # sheet title
    columns: tuple[Column, ...]
    # A list, or a generator streaming from the database that appends to ``totals`` once it is
    # exhausted: write the rows first, then the totals.
    rows: Iterable[list] = field(default_factory=list)
    totals: list[list] = field(default_factory=list)
    count: int | None = None  # the number of rows, counted before streaming (the audit entry)

    def blank(self) -> list:
        return [None] * len(self.columns)

    def at(self, column: Column) -> int:
        return next(n for n, c in enumerate(self.columns) if c is column)


# Files ----------------------------------------------------------------------------------------
def _safe_text(value):
    return safe_cell(value) if isinstance(value, str) else value


def _csv_value(value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, ".6f" if column.kind == RATE else ".2f")
    if isinstance(value, date):
        return value.isoformat()
    return str(_safe_text(value))


def csv_rows(ledger: Ledger) -> Iterator[list]:
    """The CSV file's rows: header, data, then (after an empty row) the totals, known once the
    data rows are exhausted."""
    yield [_safe_text(str(c.label)) for c in ledger.columns]
    for row in ledger.rows:
        yield [_csv_value(v, c) for v, c in zip(row, ledger.columns, strict=True)]
    if ledger.totals:
        yield []
    for row in ledger.totals:
        yield [_csv_value(v, c) for v, c in zip(row, ledger.columns, strict=True)]


def csv_body(ledger: Ledger) -> bytes:
    """The whole CSV file at once (small ledgers, tests)."""
    return b"".join(spreadsheets.csv_chunks(csv_rows(ledger)))


def xlsx_filler(ledger: Ledger, filter_lines: list[tuple[str, str]]):
    """Fills a write-only workbook with the ledger's sheet and the filter sheet, row by row."""

    def fill(book) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = book.create_sheet(_sheet_title(ledger.title))
        for n, column in enumerate(ledger.columns, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = column.width
        bold = Font(bold=True)

        def cell(value, column: Column, font=None):
            if isinstance(value, str):
                value = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
                if font is None:
                    return value
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                c.number_format = "#,##0.000000" if column.kind == RATE else "#,##0.00"
            elif isinstance(value, date):
                c.number_format = "yyyy-mm-dd"
            if font is not None:
                c.font = font
            return c

        sheet.append([cell(str(c.label), c, bold) for c in ledger.columns])
        for row in ledger.rows:
            sheet.append([cell(v, c) for v, c in zip(row, ledger.columns, strict=True)])
        if ledger.totals:
            sheet.append([])
        for row in ledger.totals:
            sheet.append([cell(v, c, bold) for v, c in zip(row, ledger.columns, strict=True)])

        # The noun: the dashboard's button says "Filter" as a verb ("Filtrar" in Spanish).
        about = book.create_sheet(_sheet_title(lazy_pgettext("spreadsheet sheet", "Filter")))
        about.column_dimensions["A"].width = 24
        about.column_dimensions["B"].width = 40
        for label, value in filter_lines:
            about.append([safe_cell(label), safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))])

    return fill


def xlsx_body(ledger: Ledger, filter_lines: list[tuple[str, str]]) -> bytes:
    """The whole XLSX file at once (small ledgers, tests)."""
    return b"".join(spreadsheets.xlsx_chunks(xlsx_filler(ledger, filter_lines)))


def _sheet_title(title) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31]


def filter_lines(f: ReportFilter, form, generated: date) -> list[tuple[str, str]]:
    """The filter in words (the XLSX file's second sheet)."""

    def chosen(field) -> str:
        labels = {choice.value: choice.label for choice in field.choices}
        return str(labels.get(field.data or "", _("All")))

    return [
        (_("Generated on"), generated.isoformat()),
        (str(form.programme.label.text), chosen(form.programme)),
        (str(form.call.label.text), chosen(form.call)),
        (str(form.state.label.text), chosen(form.state)),
        (str(form.date_from.label.text), f.date_from.isoformat() if f.date_from else ""),
        (str(form.date_to.label.text), f.date_to.isoformat() if f.date_to else ""),
    ]


def filename(name: str, f: ReportFilter, form, generated: date, fmt: str) -> str:
    """``disbursements-2026-11-27[-call-CONV-2026-01][-MX-NLE][-from-…][-to-…].csv``"""
    parts = [name, generated.isoformat()]
    if f.programme_id:
        parts.append(f"programme-{f.programme_id}")
    if f.call_id:
        codes = {choice.value: choice.label for choice in form.call.choices}
        parts.append("call-" + codes.get(str(f.call_id), str(f.call_id)))
    if f.state_code:
        state = BY_INEGI.get(f.state_code)
        parts.append(state.iso if state else f.state_code)
    if f.date_from:
        parts.append(f"from-{f.date_from.isoformat()}")
    if f.date_to:
        parts.append(f"to-{f.date_to.isoformat()}")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(parts))
    return f"{stem}.{fmt}"


def response(ledger: Ledger, fmt: str, name: str, lines: list[tuple[str, str]]) -> Response:
    """The file, streamed: rows are read from the database while it is sent."""
    if fmt == "csv":
        return spreadsheets.csv_response(csv_rows(ledger), name)
    return spreadsheets.xlsx_response(xlsx_filler(ledger, lines), name)
