"""Bar-chart geometry for server-rendered SVG (``templates/macros/charts.html`` draws it).

Horizontal grouped bars: one group per row (a call, a state...), one bar per series
(committed, disbursed...). Lengths are computed with ``Decimal`` and rounded to whole SVG
units, so the drawing needs no JavaScript and no inline style (the CSP forbids both): colours
are SVG ``fill`` attributes. Every chart has a title and a description, and the page shows the
same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LABEL_WIDTH = 210  # room for the row label, left of the bars
PLOT_WIDTH = 460  # the longest bar
VALUE_WIDTH = 190  # room for the value printed after a bar
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 14
LEGEND_HEIGHT = 28
MAX_LABEL_CHARS = 30

# Bootstrap's palette (primary, success, secondary, warning): readable on white.
FILLS = ("#0d6efd", "#198754", "#6c757d", "#fd7e14")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    fill: str


@dataclass(frozen=True)
class Bar:
    series: Series
    value: Decimal
    text: str  # the value as shown (formatted money)
    x: int
    y: int
    width: int
    height: int

    @property
    def text_x(self) -> int:
        return self.x + self.width + 4

    @property
    def text_y(self) -> int:
        return self.y + self.height - 4


@dataclass(frozen=True)
class Group:
    label: str  # possibly shortened for the drawing
    full_label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class LegendItem:
    series: Series
    x: int
    y: int


@dataclass
class BarChart:
    id: str
    title: str
    desc: str
    series: tuple[Series, ...]
    groups: list[Group] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height: int = LEGEND_HEIGHT

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def is_empty(self) -> bool:
        return not self.groups


def scaled(value: Decimal, largest: Decimal, length: int = PLOT_WIDTH) -> int:
    """``value``'s share of ``largest`` as a whole number of units (0 for nothing or less)."""
    if largest <= 0 or value <= 0:
        return 0
    units = (Decimal(value) * length / Decimal(largest)).quantize(Decimal(1), ROUND_HALF_UP)
    # A tiny positive amount still shows as a sliver.
    return max(int(units), 1)


def shorten(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[Decimal]]],
    fmt: Callable[[Decimal], str],
) -> BarChart:
    """Lay out ``rows`` (label, one value per series) on a common scale."""
    series = tuple(series)
    chart = BarChart(chart_id, title, desc, series)
    x = LABEL_WIDTH
    for s in series:
        chart.legend.append(LegendItem(s, x, 6))
        x += 24 + 8 * len(str(s.label))
    largest = max((v for _label, values in rows for v in values), default=Decimal(0))
    y = LEGEND_HEIGHT
    for label, values in rows:
        bars = []
        for i, (s, value) in enumerate(zip(series, values, strict=True)):
            top = y + i * (BAR_HEIGHT + BAR_GAP)
            bars.append(
                Bar(
                    s,
                    value,
                    fmt(value),
                    x=LABEL_WIDTH,
                    y=top,
                    width=scaled(value, largest),
                    height=BAR_HEIGHT,
                )
            )
        block = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        chart.groups.append(Group(shorten(label), label, y + block // 2 + 4, tuple(bars)))
        y += block + GROUP_GAP
    chart.height = y
    return chart
