"""Streamed exports (issue 18): the files sent row by row are the very files the former
build-in-memory writers made (CSV byte for byte, XLSX cell by cell with formats, widths and the
filter sheet); they arrive in several chunks read in small batches, with no Content-Length, and
leave no temporary file behind."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, lazy_pgettext
from openpyxl import load_workbook

from portal.applications.exports import safe_cell
from portal.core import spreadsheets
from portal.reporting import export_files, exports
from portal.reporting.export_files import RATE, Ledger, _sheet_title
from portal.reporting.filters import ReportFilter
from tests.reporting.test_ledger_exports import as_user, world  # noqa: F401 - fixtures

LEDGERS = ("disbursements", "cofinance")


# The writers as they were before streaming (the reference the streamed files must equal) -------
def legacy_csv_body(ledger: Ledger) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([export_files._safe_text(str(c.label)) for c in ledger.columns])
    for row in ledger.rows:
        writer.writerow(
            [export_files._csv_value(v, c) for v, c in zip(row, ledger.columns, strict=True)]
        )
    if ledger.totals:
        writer.writerow([])
    for row in ledger.totals:
        writer.writerow(
            [export_files._csv_value(v, c) for v, c in zip(row, ledger.columns, strict=True)]
        )
    return out.getvalue().encode("utf-8")


def legacy_xlsx_body(ledger: Ledger, filter_lines) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(ledger.title))
    for n, column in enumerate(ledger.columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    bold = Font(bold=True)

    def cell(value, column, font=None):
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
    about = book.create_sheet(_sheet_title(lazy_pgettext("spreadsheet sheet", "Filter")))
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 40
    for label, value in filter_lines:
        about.append([safe_cell(label), safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def former_file(app, name: str, user, lang: str, write) -> bytes:
    """``write(ledger)`` of the ledger with its rows in a list, as the former code built it,
    in ``lang``."""
    with app.test_request_context(f"/?lang={lang}"), force_locale(lang):
        ledger = exports.LEDGERS[name](ReportFilter(), user)
        ledger.rows = list(ledger.rows)  # the totals follow once the rows are read
        return write(ledger)


def cells(body: bytes) -> list:
    book = load_workbook(io.BytesIO(body))
    out = [book.sheetnames]
    for sheet in book.worksheets:
        widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.width}
        rows = [
            [(c.value, c.number_format, bool(c.font and c.font.b), c.data_type) for c in row]
            for row in sheet.iter_rows()
        ]
        out.append((widths, rows))
    return out


@pytest.mark.parametrize("name", LEDGERS)
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("who", ["finance_officer", "grants_manager"])
def test_streamed_csv_equals_the_former_file(app, world, as_user, personas, name, lang, who):  # noqa: F811
    user = personas[who]
    expected = former_file(app, name, user, lang, legacy_csv_body)
    response = as_user(user).get(f"/reports/exports/{name}.csv?lang={lang}")
    assert response.status_code == 200
    assert response.data == expected


@pytest.mark.parametrize("name", LEDGERS)
def test_streamed_xlsx_equals_the_former_file(app, world, as_user, personas, name):  # noqa: F811
    user = personas["finance_officer"]
    response = as_user(user).get(f"/reports/exports/{name}.xlsx?lang=es")
    assert response.status_code == 200
    streamed = cells(response.data)
    filter_sheet = [(label, value or "") for (label, *_), (value, *_) in streamed[2][1]]
    expected = former_file(app, name, user, "es", lambda x: legacy_xlsx_body(x, filter_sheet))
    assert streamed == cells(expected)
    assert len(streamed[1][1]) > 3


def test_files_arrive_in_chunks_read_in_batches(world, as_user, personas, monkeypatch):  # noqa: F811
    monkeypatch.setattr(spreadsheets, "BATCH", 2)
    monkeypatch.setattr(spreadsheets, "FLUSH_ROWS", 2)
    client = as_user(personas["finance_officer"])
    response = client.get("/reports/exports/disbursements.csv", buffered=False)
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    chunks = list(response.response)
    response.close()
    # Header + 5 entries + blank + 2 totals = 9 rows, handed out 2 by 2, the BOM first.
    assert len(chunks) == 5
    assert chunks[0].startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8").lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:6]] == [
        str(e.id) for e in (world.d1, world.d2, world.d3, world.d4, world.d5)
    ]
    assert rows[7][0] == "Net total disbursed"


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="Linux only")
def test_no_temporary_file_is_left(world, as_user, personas, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setattr(spreadsheets, "SPOOL_BYTES", 1)  # goes to disk at once
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client = as_user(personas["finance_officer"])
    client.get("/reports/exports/cofinance.xlsx").close()  # warm-up
    idle = open_files()
    response = client.get("/reports/exports/disbursements.xlsx", buffered=False)
    chunks = iter(response.response)
    assert next(chunks).startswith(b"PK")  # a zip, being sent from a temporary file
    assert open_files() > idle
    response.close()  # the download is abandoned half-way: the file is closed (and so gone)
    assert open_files() == idle
    body = client.get("/reports/exports/cofinance.xlsx").data
    assert load_workbook(io.BytesIO(body)).sheetnames[0] == "Co-finance"
    assert open_files() == idle
    assert os.listdir(tmp_path) == []  # nor any of openpyxl's own temporary files
