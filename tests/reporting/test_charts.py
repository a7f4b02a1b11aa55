"""Bar geometry: lengths proportional to the values on a common scale, in whole units."""

from __future__ import annotations

from decimal import Decimal

from portal.reporting.charts import PLOT_WIDTH, Series, bar_chart, scaled, shorten

D = Decimal
SERIES = (Series("a", "Committed", "#0d6efd"), Series("b", "Disbursed", "#198754"))


def test_scaled():
    assert scaled(D("300000"), D("300000")) == PLOT_WIDTH
    assert scaled(D("100000"), D("300000")) == round(PLOT_WIDTH / 3)
    assert scaled(D("0.01"), D("300000")) == 1  # a sliver, not nothing
    assert scaled(D("0"), D("300000")) == 0
    assert scaled(D("-5"), D("300000")) == 0
    assert scaled(D("5"), D("0")) == 0


def test_layout():
    chart = bar_chart(
        "c",
        "Title",
        "Description",
        SERIES,
        [("CONV-2026-01", [D("300000"), D("150000")]), ("CONV-2026-02", [D("75000"), D("0")])],
        lambda v: f"MXN {v}",
    )
    first, second = chart.groups
    assert [b.width for b in first.bars] == [PLOT_WIDTH, PLOT_WIDTH // 2]
    assert [b.width for b in second.bars] == [PLOT_WIDTH // 4, 0]
    assert first.bars[1].y == first.bars[0].y + first.bars[0].height + 3
    assert second.bars[0].y > first.bars[1].y + first.bars[1].height
    assert chart.height > second.bars[1].y
    assert first.bars[0].text == "MXN 300000"
    assert all(isinstance(b.width, int) for g in chart.groups for b in g.bars)
    assert bar_chart("e", "T", "D", SERIES, [], str).is_empty


def test_long_labels_are_shortened():
    label = "Fondo de Cofinanciamiento para la Justicia Cotidiana"
    assert shorten(label).endswith("…") and len(shorten(label)) == 30
    assert shorten("CONV-2026-01") == "CONV-2026-01"
