"""CSV and XLSX exports of a call's ranking, with the score of every criterion.

One row per application: the ranked ones in order, then those failing a threshold, then
those without a submitted review (``group`` column). Per criterion ``c<n>_mean`` (mean of
the submitted reviews) and ``c<n>_consensus``, numbered in rubric order; the XLSX file has a
second sheet naming them. Text a spreadsheet would run as a formula is prefixed with an
apostrophe (``safe_cell``). Both files are written row by row while they are sent
(``portal.core.spreadsheets``).
"""

from __future__ import annotations

from collections.abc import Iterable

from portal.applications.exports import safe_cell
from portal.core import spreadsheets
from portal.core.i18n import localized
from portal.reviews.scoring import rounded

BASE_COLUMNS = (
    "group",
    "rank",
    "reference",
    "title",
    "organisation",
    "status",
    "score",
    "basis",
    "mean_total",
    "normalised_total",
    "consensus_total",
    "reviews_received",
    "reviews_expected",
    "disagreement",
    "fails_thresholds",
    "cofinance_pct",
    "committee_position",
    "tie_broken_by",
)


def header(result) -> list[str]:
    per_criterion = []
    for n, _criterion in enumerate(result.criteria, start=1):
        per_criterion += [f"c{n}_mean", f"c{n}_consensus"]
    return [*BASE_COLUMNS, *per_criterion]


def rows(result) -> Iterable[list]:
    yield header(result)
    groups = (("ranked", result.ranked), ("failing", result.failing), ("unscored", result.unscored))
    for group, items in groups:
        for row in items:
            yield [safe_cell(v) for v in _row(group, row, result.criteria)]


def _row(group: str, row, criteria) -> list:
    values = [
        group,
        row.rank if group != "unscored" else None,
        row.reference,
        row.title,
        row.organisation,
        row.status,
        row.score,
        row.basis or "",
        rounded(row.mean_total),
        row.normalised_total,
        rounded(row.consensus_total),
        row.received,
        row.expected,
        "yes" if row.disagreement else "no",
        "yes" if row.failed else "no",
        row.cofinance_pct,
        row.committee_position,
        row.tie_broken_by or "",
    ]
    for criterion in criteria:
        values.append(rounded(row.means.get(criterion.id)))
        values.append(row.consensus_scores.get(criterion.id))
    return values


def criteria_rows(result) -> Iterable[list]:
    yield ["column", "title", "weight", "max_score", "min_score"]
    for n, c in enumerate(result.criteria, start=1):
        yield [f"c{n}", safe_cell(localized(c, "title")), c.weight, c.max_score, c.min_score]


def csv_response(call, result):
    cells = (["" if v is None else v for v in row] for row in rows(result))
    return spreadsheets.csv_response(cells, f"{call.code}-ranking.csv")


def xlsx_response(call, result):
    def fill(book) -> None:
        sheet = book.create_sheet("ranking")
        for row in rows(result):
            sheet.append(row)
        legend = book.create_sheet("criteria")
        for row in criteria_rows(result):
            legend.append(row)

    return spreadsheets.xlsx_response(fill, f"{call.code}-ranking.xlsx")
