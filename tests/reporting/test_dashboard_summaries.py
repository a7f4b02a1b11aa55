"""Issue 18: without a period the dashboard reads the per-award summaries; with a period that
covers everything it aggregates the ledger. Both must give the same figures and watch list."""

from __future__ import annotations

from datetime import date

import pytest

from portal.finance import figures
from portal.reporting.filters import ReportFilter
from tests.reporting.dashboard_world import build, freeze_today  # noqa: F401
from tests.reporting.test_dashboard_figures import board_of

EVERYTHING = ReportFilter(date_from=date(1900, 1, 1), date_to=date(2999, 12, 31))


@pytest.fixture
def world(app, ctx, personas, freeze_today):  # noqa: F811
    return build(app, personas)


def test_summaries_give_the_ledgers_figures(world, personas):
    plain, ledger = board_of(personas), board_of(personas, f=EVERYTHING)
    assert plain.totals and plain.totals == ledger.totals
    assert [(r.key, r.funds) for r in plain.calls] == [(r.key, r.funds) for r in ledger.calls]
    shortfalls = [r.award_id for r in plain.at_risk if r.shortfall]
    assert shortfalls == [r.award_id for r in ledger.at_risk if r.shortfall]
    expected = sorted(f.award_id for f in figures.grant_figures().values() if f.shortfall)
    assert sorted(shortfalls) == expected and expected
