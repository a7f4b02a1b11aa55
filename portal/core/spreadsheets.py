"""Tabular downloads (CSV and XLSX) streamed in constant memory, whatever their number of rows.

- CSV: a generator of UTF-8 chunks, the BOM first (Excel then reads UTF-8 correctly); a
  ``csv.writer`` writes into a small buffer that is handed out every ``FLUSH_ROWS`` rows.
- XLSX: openpyxl's write-only workbook (each sheet already goes to a temporary file) saved into
  a spooled temporary file, which is then sent in 64 KiB chunks and deleted.

The response is ``Response(generator)`` under ``stream_with_context``, so rows read from the
database while the file is sent still see the request (language, user, session); the session
is only removed by the app context's teardown, after the last chunk. There is no
Content-Length. Callers pass rows from a batched query (``yield_per``), never a list of the
whole result, and compute anything the audit entry needs (a row count) before answering.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator

from flask import Response, stream_with_context
from sqlalchemy import Select, func, select

from portal.core.db import db

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLUSH_ROWS = 500
CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a small XLSX stays in memory; a bigger one rolls over to disk
BATCH = 1000  # rows per database fetch (``execution_options(yield_per=BATCH)``)


def batched(statement: Select, **execution_options) -> Iterator:
    """The rows of ``statement`` fetched ``BATCH`` at a time (a server-side cursor on
    PostgreSQL), closed even when the download is abandoned half-way."""
    result = db.session.execute(
        statement, execution_options={"yield_per": BATCH, **execution_options}
    )
    try:
        yield from result
    finally:
        result.close()


def count_rows(statement: Select) -> int:
    """How many rows ``statement`` returns, counted by the database."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return db.session.scalar(counted)


def csv_chunks(rows: Iterable[Iterable], flush_rows: int | None = None) -> Iterator[bytes]:
    """``rows`` as CSV, BOM first, in chunks of ``flush_rows`` rows (encoded UTF-8)."""
    flush_rows = flush_rows or FLUSH_ROWS
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % flush_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if tail := buffer.getvalue():
        yield tail.encode("utf-8")


def xlsx_chunks(fill: Callable[[object], None]) -> Iterator[bytes]:
    """A write-only workbook filled by ``fill(book)``, saved to a temporary file and read back
    in ``CHUNK_BYTES`` chunks; the file is deleted when the generator ends or is closed."""
    from openpyxl import Workbook

    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        book = Workbook(write_only=True)
        fill(book)
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK_BYTES):
            yield chunk


def attachment(chunks: Iterator[bytes], filename: str, mimetype: str) -> Response:
    """A streamed download: attachment, ``nosniff``, ``no-store`` (exports carry personal and
    bank data), no Content-Length."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(rows: Iterable[Iterable], filename: str) -> Response:
    return attachment(csv_chunks(rows), filename, CSV_MIME)


def xlsx_response(fill: Callable[[object], None], filename: str) -> Response:
    return attachment(xlsx_chunks(fill), filename, XLSX_MIME)
