"""The dashboard's charts, one per currency (amounts in two currencies never share a scale)."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.core.i18n import format_money
from portal.reporting.charts import FILLS, BarChart, Series, bar_chart
from portal.reporting.dashboard import Dashboard


def _money(currency: str):
    return lambda value: format_money(value, currency)


def funds_series() -> tuple[Series, ...]:
    return (
        Series("committed", _("Committed"), FILLS[0]),
        Series("disbursed", _("Disbursed in the period"), FILLS[1]),
        Series("remaining", _("Remaining"), FILLS[2]),
    )


def cofinance_series() -> tuple[Series, ...]:
    return (
        Series("committed", _("Co-finance committed"), FILLS[0]),
        Series("verified", _("Co-finance verified in the period"), FILLS[1]),
    )


def charts(board: Dashboard) -> dict[str, list[BarChart]]:
    """``{"calls": [...], "states": [...], "types": [...]}``, a chart per currency each."""
    out: dict[str, list[BarChart]] = {"calls": [], "states": [], "types": []}
    for currency in board.currencies:
        rows = [
            (r.label, [r.funds.committed, r.funds.disbursed, max(r.funds.remaining, 0)])
            for r in board.calls
            if r.funds.currency == currency
        ]
        out["calls"].append(
            bar_chart(
                f"chart-calls-{currency.lower()}",
                _("Committed, disbursed and remaining per call (%(currency)s)", currency=currency),
                _(
                    "Bar chart, one group of three bars per call, in %(currency)s; the same "
                    "figures are in the table below.",
                    currency=currency,
                ),
                funds_series(),
                rows,
                _money(currency),
            )
        )
        for key, groups, title in (
            ("states", board.by_state, _("Co-finance by state (%(currency)s)", currency=currency)),
            (
                "types",
                board.by_type,
                _("Co-finance by co-financier type (%(currency)s)", currency=currency),
            ),
        ):
            rows = [
                (str(r.label), [r.figures.committed, r.figures.verified])
                for r in groups.get(currency, [])
            ]
            if not rows:
                continue
            out[key].append(
                bar_chart(
                    f"chart-{key}-{currency.lower()}",
                    title,
                    _(
                        "Bar chart of co-finance committed and verified, in %(currency)s; the "
                        "same figures are in the table below.",
                        currency=currency,
                    ),
                    cofinance_series(),
                    rows,
                    _money(currency),
                )
            )
    return out
