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


def test_charts_stay_legible_on_a_phone(app, ctx):
    """On a 390-px phone the SVG used to shrink to the screen: its 12-unit labels came out at
    about 5 px. It now sits in a sideways-scrolling box and never draws narrower than the
    CSS minimum, so labels stay at 9.5 px or more."""
    import re
    from pathlib import Path

    from flask import render_template_string
    from lxml import html as lxml_html

    chart = bar_chart("c", "Title", "Description", SERIES, [("A", [D("1"), D("2")])], str)
    page = render_template_string(
        '{% from "macros/charts.html" import bar_chart %}{{ bar_chart(chart) }}', chart=chart
    )
    svg = lxml_html.fromstring(page).xpath("//svg")[0]
    assert "chart" in svg.get("class").split()
    assert svg.getparent().tag == "div" and svg.getparent().get("class") == "chart-scroll"

    css = (Path(app.static_folder) / "css" / "portal.css").read_text()
    assert re.search(r"\.chart-scroll\s*\{\s*overflow-x:\s*auto;\s*\}", css)
    minimum = re.search(r"\.chart-scroll > svg\.chart\s*\{\s*min-width:\s*([\d.]+)rem;", css)
    smallest_label = 11 * float(minimum.group(1)) * 16 / chart.width  # bar values: 11 units
    assert smallest_label >= 9.5
