"""The budget arithmetic: exact decimals, the co-finance rule and its edge cases."""

from __future__ import annotations

from decimal import Decimal

from portal.applications.budget import LineAmounts, SourceAmount, compute

D = Decimal


def lines(*pairs):
    return [LineAmounts("personnel", D(r), D(c)) for r, c in pairs]


def test_totals_percentage_and_ratios():
    totals = compute(
        lines(("300000.00", "60000.00"), ("100000.10", "40000.00")),
        [
            SourceAmount("cash", "cost_share", D("60000.00")),
            SourceAmount("in_kind", "cost_share", D("40000.00")),
            SourceAmount("cash", "leverage", D("25000.00")),
        ],
        in_kind_counts=True,
    )
    assert totals.requested == D("400000.10")
    assert totals.cost_share == totals.cost_share_all == D("100000.00")
    assert totals.total_project_cost == D("500000.10")
    assert totals.cofinance_pct == D("19.99")  # 19.99996 rounded down, never up to 20.00
    assert not totals.meets_minimum(D("20"))
    assert totals.meets_minimum(D("19.99"))
    assert totals.cofinance_ratio == D("0.2500")  # 0.2499998 rounded half up, as everywhere
    assert totals.cofinance_ratio_pct == D("25.00")
    assert totals.leverage == D("25000.00")
    assert totals.leverage_ratio == D("0.3125")
    assert totals.by_category == {"personnel": (D("400000.10"), D("100000.00"))}


def test_no_float_drift_over_many_lines():
    totals = compute(lines(*[("0.10", "0.20")] * 1000), [], in_kind_counts=True)
    assert totals.requested == D("100.00")
    assert totals.lines_cofinance == D("200.00")


def test_in_kind_excluded_when_the_call_does_not_count_it():
    sources = [
        SourceAmount("cash", "cost_share", D("50000")),
        SourceAmount("in_kind", "cost_share", D("50000")),
    ]
    counted = compute(lines(("400000", "100000")), sources, in_kind_counts=True)
    cash_only = compute(lines(("400000", "100000")), sources, in_kind_counts=False)
    assert counted.cofinance_pct == D("20.00")
    assert cash_only.cost_share == D("50000.00")
    assert cash_only.cost_share_in_kind_excluded == D("50000.00")
    assert cash_only.total_project_cost == D("500000.00")  # in-kind is still project cost
    assert cash_only.cofinance_pct == D("10.00")


def test_exact_minimum_and_shortfall():
    totals = compute(lines(("80", "20")), [SourceAmount("cash", "cost_share", D("20"))], True)
    assert totals.meets_minimum(D("20")) and totals.shortfall(D("20")) == D("0.00")
    short = compute(lines(("90", "10")), [SourceAmount("cash", "cost_share", D("10"))], True)
    missing = short.shortfall(D("20"))
    assert missing == D("12.50")  # (0.2 × 100 − 10) ÷ 0.8
    fixed = compute(lines(("90", "22.50")), [SourceAmount("cash", "cost_share", D("22.50"))], True)
    assert fixed.meets_minimum(D("20"))


def test_empty_budget():
    totals = compute([], [], in_kind_counts=True)
    assert totals.cofinance_pct == D("0.00")
    assert totals.cofinance_ratio is None and totals.leverage_ratio is None
    assert totals.meets_minimum(D("0"))
    assert not totals.meets_minimum(D("10"))


def test_one_ratio_rounding_for_applications_grants_and_the_dashboard():
    """25.5 % co-finance is 0.2550 (25.50 %) on the application and the grant, and 0.26 on the
    dashboard: one function, half up (it was 0.25 rounded down on the application)."""
    from portal.applications.budget import as_percent, ratio
    from portal.finance.figures import GrantFigures
    from portal.reporting.dashboard import ratio as dashboard_ratio

    assert ratio(D("25500"), D("100000")) == D("0.2550")
    assert ratio(D("1"), D("3")) == D("0.3333") and ratio(D("2"), D("3")) == D("0.6667")
    assert ratio(D("1"), D("0")) is None and as_percent(None) is None
    assert as_percent(ratio(D("25500"), D("100000"))) == D("25.50")
    assert dashboard_ratio(D("25500"), D("100000")) == D("0.26")
    cash = [SourceAmount("cash", "cost_share", D("25500"))]
    totals = compute(lines(("100000.00", "0")), cash, in_kind_counts=True)
    assert totals.cofinance_ratio == D("0.2550")
    grant = GrantFigures(1, "R", "T", "MXN", D("100000"), committed_cost_share=D("25500"))
    assert grant.cost_share_ratio == ratio(D("25500"), D("125500")) == D("0.2032")
