"""Budget arithmetic: pure ``Decimal`` functions, no database, no floats.

Definitions (see the product notes):

- requested total = Σ amount requested from the programme on the budget lines;
- cost share = co-finance inside the project budget (sources counted as cost share); in-kind
  cost share counts towards the co-finance percentage only if the call says so;
- total project cost = requested total + all cost share (in-kind included: it is still part of
  what the project costs, whether or not it counts towards the rule);
- co-finance percentage = counted cost share ÷ total project cost × 100;
- co-finance ratio = counted cost share ÷ requested total;
- leverage = co-finance outside the budget, reported separately; the leverage ratio is all
  co-finance (cost share + leverage) ÷ requested total.

Every ratio of the portal (these, the grants' shares of total project cost, the dashboard's
leverage) is computed by ``ratio``: rounded half up, shown as a percentage (``as_percent``).

The percentage is compared with the call's minimum exactly (``meets_minimum``); the stored and
displayed percentage is rounded *down* to two places so that "20.00 %" is never shown for a
budget that falls short of 20 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


SHARE = Decimal("0.0001")  # a ratio to four places: a percentage to two


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part, whole, places: Decimal = SHARE) -> Decimal | None:
    """``part ÷ whole`` rounded half up (0.2550 is 25.50 %); None when ``whole`` is not
    positive. The one rounding of every co-finance and leverage ratio."""
    if not whole or Decimal(whole) <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def as_percent(share: Decimal | None) -> Decimal | None:
    """A ratio from ``ratio`` as a percentage with two decimals (0.2550 → 25.50)."""
    return None if share is None else (share * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    category: str
    requested: Decimal
    cofinance: Decimal


@dataclass(frozen=True)
class SourceAmount:
    nature: str  # "cash" | "in_kind"
    counts_as: str  # "cost_share" | "leverage"
    amount: Decimal


@dataclass(frozen=True)
class BudgetTotals:
    requested: Decimal
    lines_cofinance: Decimal  # co-finance written on the budget lines
    cost_share_all: Decimal  # every cost-share source, in-kind included
    cost_share: Decimal  # the cost share that counts (in-kind only if the call allows it)
    cost_share_in_kind_excluded: Decimal
    leverage: Decimal
    by_category: dict[str, tuple[Decimal, Decimal]]

    @property
    def total_project_cost(self) -> Decimal:
        return self.requested + self.cost_share_all

    @property
    def cofinance_pct_exact(self) -> Decimal | None:
        if not self.total_project_cost:
            return None
        return self.cost_share * HUNDRED / self.total_project_cost

    @property
    def cofinance_pct(self) -> Decimal:
        """Rounded down to two places (0 when there is no budget yet)."""
        exact = self.cofinance_pct_exact
        return ZERO if exact is None else exact.quantize(CENT, rounding=ROUND_DOWN)

    @property
    def cofinance_ratio(self) -> Decimal | None:
        """Counted cost share per unit requested (None when nothing is requested)."""
        return ratio(self.cost_share, self.requested)

    @property
    def cofinance_ratio_pct(self) -> Decimal | None:
        """The same as a percentage of the amount requested."""
        return as_percent(self.cofinance_ratio)

    @property
    def leverage_ratio(self) -> Decimal | None:
        return ratio(self.cost_share_all + self.leverage, self.requested)

    def meets_minimum(self, minimum_pct: Decimal) -> bool:
        """cost share ÷ total ≥ minimum ÷ 100, compared without rounding."""
        minimum_pct = Decimal(minimum_pct or 0)
        if minimum_pct <= 0:
            return True
        return self.cost_share * HUNDRED >= minimum_pct * self.total_project_cost > 0

    def shortfall(self, minimum_pct: Decimal) -> Decimal:
        """The smallest extra counted cost share that meets the minimum (0 if met).

        With x more cost share: (c + x) ÷ (t + x) ≥ p  ⇔  x ≥ (p·t − c) ÷ (1 − p).
        """
        p = Decimal(minimum_pct or 0) / HUNDRED
        if p <= 0 or p >= 1 or self.meets_minimum(minimum_pct):
            return ZERO
        needed = (p * self.total_project_cost - self.cost_share) / (1 - p)
        return needed.quantize(CENT, rounding=ROUND_CEILING)


def compute(
    lines: Iterable[LineAmounts], sources: Iterable[SourceAmount], in_kind_counts: bool
) -> BudgetTotals:
    lines, sources = list(lines), list(sources)
    by_category: dict[str, tuple[Decimal, Decimal]] = {}
    for line in lines:
        requested, cofinance = by_category.get(line.category, (ZERO, ZERO))
        by_category[line.category] = (
            requested + money(line.requested),
            cofinance + money(line.cofinance),
        )
    cost_share = [s for s in sources if s.counts_as == "cost_share"]
    excluded = [s for s in cost_share if s.nature == "in_kind" and not in_kind_counts]
    cost_share_all = _sum(s.amount for s in cost_share)
    excluded_total = _sum(s.amount for s in excluded)
    return BudgetTotals(
        requested=_sum(line.requested for line in lines),
        lines_cofinance=_sum(line.cofinance for line in lines),
        cost_share_all=cost_share_all,
        cost_share=cost_share_all - excluded_total,
        cost_share_in_kind_excluded=excluded_total,
        leverage=_sum(s.amount for s in sources if s.counts_as == "leverage"),
        by_category=by_category,
    )


def _sum(values: Iterable) -> Decimal:
    return sum((money(v) for v in values), ZERO)


def totals_of(application) -> BudgetTotals:
    """The totals of an application's saved lines and sources (relationships loaded)."""
    return compute(
        (LineAmounts(line.category, line.requested, line.cofinance) for line in application.lines),
        (SourceAmount(s.nature, s.counts_as, s.amount) for s in application.sources),
        in_kind_counts=application.call.in_kind_counts,
    )
