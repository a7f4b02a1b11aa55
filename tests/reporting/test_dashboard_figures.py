"""Finance dashboard figures on a small world computed by hand (see dashboard_world.py):
two grants in two states and two currencies, a reversal, a rejected contribution, an
unassigned one, a period that leaves a disbursement out, and a manager who sees only his
programme."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from portal.core.db import db
from portal.finance import operations
from portal.reporting import dashboard
from portal.reporting.filters import ReportFilter
from tests.finance import helpers
from tests.reporting.dashboard_world import build, contribute, entry, freeze_today  # noqa: F401
from tests.support.matrix import login

D = Decimal
SPRING = ReportFilter(date_from=date(2027, 1, 1), date_to=date(2027, 4, 30))


@pytest.fixture
def world(app, ctx, personas, freeze_today):  # noqa: F811
    return build(app, personas)


def board_of(personas, who="finance_officer", f=ReportFilter()):
    return dashboard.build(f, personas[who])


def test_totals_per_currency_without_filter(world, personas):
    board = board_of(personas)
    mxn, usd = board.totals["MXN"], board.totals["USD"]
    assert (mxn.grants, mxn.committed, mxn.disbursed, mxn.remaining) == (
        1,
        D("300000.00"),
        D("130000.00"),  # 100,000 + 20,000 − 20,000 (reversal) + 30,000
        D("170000.00"),
    )
    # Paid MXN 172,500.00 at 0.057971: the award-currency amount counts, not the paid one.
    assert (usd.committed, usd.disbursed, usd.remaining) == (
        D("100000.00"),
        D("10000.00"),
        D("90000.00"),
    )
    assert board.currencies == ["MXN", "USD"]
    assert [(r.label, r.funds.currency, r.funds.disbursed) for r in board.calls] == [
        ("CONV-2026-52", "USD", D("10000.00")),  # Border Fund sorts before Community...
        ("CONV-2026-01", "MXN", D("130000.00")),
    ]
    assert {(r.label, r.funds.committed) for r in board.programmes} == {
        ("Border Fund", D("100000.00")),
        ("Community Justice Fund", D("300000.00")),
    }


def test_period_excludes_a_disbursement_and_remaining_counts_to_its_end(world, personas):
    board = board_of(personas, f=SPRING)
    mxn = board.totals["MXN"]
    assert mxn.disbursed == D("100000.00")  # the 2027-06-01 payment is after the period
    assert mxn.remaining == D("200000.00")  # committed − everything paid up to 2027-04-30
    assert mxn.committed == D("300000.00")  # commitments do not depend on the period
    only_june = board_of(personas, f=ReportFilter(date_from=date(2027, 6, 1)))
    assert only_june.totals["MXN"].disbursed == D("30000.00")
    assert only_june.totals["MXN"].remaining == D("170000.00")


def test_cofinance_by_currency_state_and_type(world, personas):
    board = board_of(personas)
    mxn, usd = board.cofinance["MXN"], board.cofinance["USD"]
    assert (mxn.committed_cost_share, mxn.committed_leverage) == (D("90000.00"), D("50000.00"))
    assert (mxn.reported, mxn.verified, mxn.rejected) == (
        D("10000.00"),
        D("47000.00"),  # 40,000 cost share + 7,000 unassigned leverage
        D("5000.00"),
    )
    assert mxn.ratio_committed == D("0.47")  # 140,000 ÷ 300,000
    assert mxn.ratio_verified == D("0.16")  # 47,000 ÷ 300,000
    assert (usd.verified, usd.ratio_committed, usd.ratio_verified) == (
        D("8000.00"),
        D("1.40"),
        D("0.08"),
    )
    states = {(r.label, c): r.figures for c, rows in board.by_state.items() for r in rows}
    assert set(states) == {("Nuevo León", "MXN"), ("Sonora", "USD")}
    assert states[("Sonora", "USD")].programme_funds == D("100000.00")
    types = {(r.key, c): r.figures for c, rows in board.by_type.items() for r in rows}
    assert types[("state_institution", "MXN")].committed == D("90000.00")
    assert types[("state_institution", "MXN")].verified == D("40000.00")
    assert types[("state_institution", "MXN")].rejected == D("5000.00")
    assert types[("other_donor", "MXN")].reported == D("10000.00")
    assert types[("unassigned", "MXN")].verified == D("7000.00")
    assert types[("unassigned", "MXN")].ratio_verified == D("0.02")
    # The types add up to the currency's total.
    assert sum(f.verified for (k, c), f in types.items() if c == "MXN") == mxn.verified


def test_period_filters_contributions(world, personas):
    mxn = board_of(personas, f=SPRING).cofinance["MXN"]
    assert (mxn.reported, mxn.verified, mxn.rejected) == (
        D("10000.00"),
        D("40000.00"),  # the unassigned 7,000 of 2027-05-10 is outside
        D("5000.00"),
    )
    assert mxn.ratio_verified == D("0.13")


def test_filters_by_call_programme_and_state_change_the_figures(world, personas):
    by_call = board_of(personas, f=ReportFilter(call_id=world.usd_call.id))
    assert list(by_call.totals) == ["USD"]
    by_programme = board_of(personas, f=ReportFilter(programme_id=world.mxn_programme.id))
    assert list(by_programme.totals) == ["MXN"]
    by_state = board_of(personas, f=ReportFilter(state_code="26"))
    assert list(by_state.totals) == ["USD"]
    assert by_state.totals["USD"].disbursed == D("10000.00")
    assert [r.reference for r in by_state.at_risk] == [world.b.application.reference]
    nobody = board_of(personas, f=ReportFilter(state_code="09"))
    assert nobody.totals == {} and nobody.overdue.total == 0 and nobody.at_risk == []


def test_manager_sees_only_his_programme(world, personas):
    board = board_of(personas, "grants_manager")
    assert list(board.totals) == ["MXN"]
    assert board.totals["MXN"].committed == D("300000.00")
    assert list(board.cofinance) == ["MXN"]
    assert board.overdue.total == 0  # the overdue report is grant B's (USD programme)
    assert [r.reference for r in board.requests.items] == [world.a.application.reference]
    assert board.at_risk == []
    # Asking for the other programme's call gives nothing, not grant B.
    other = board_of(personas, "grants_manager", ReportFilter(call_id=world.usd_call.id))
    assert other.totals == {}


def test_deadlines_requests_and_risks(world, personas):
    board = board_of(personas)
    assert [(m.reference, m.days) for m in board.overdue.items] == [
        (world.b.application.reference, 17)
    ]
    assert [(m.reference, m.days) for m in board.due_soon.items] == [
        (world.a.application.reference, 19)
    ]
    assert board.requests.total == 2 and board.requests.overdue == 0
    (risk,) = board.at_risk
    assert risk.award_id == world.b.id
    assert risk.late_reports == 1 and risk.days_late == 17
    assert risk.shortfall is not None  # 8 % of the cost share verified, 10 % disbursed
    assert (risk.shortfall.verified_cost_share, risk.shortfall.disbursed) == (
        D("8000.00"),
        D("10000.00"),
    )


def test_request_waiting_past_the_service_level(world, personas):
    from datetime import timedelta

    from portal.core.db import now_utc

    world.request_b.payment_dt = now_utc() - timedelta(days=12)
    db.session.commit()
    board = board_of(personas)
    assert board.requests.overdue == 1
    first = board.requests.items[0]
    assert (first.request_id, first.days_waiting, first.overdue) == (world.request_b.id, 12, True)


def test_conversion_uses_the_latest_rate_on_or_before_the_period_end(world, personas):
    assert board_of(personas).conversion is None  # today 2027-04-01: no rate yet
    board = board_of(personas, f=SPRING)  # ends 2027-04-30: the rate of 2027-04-20
    assert board.rate.rate == D("17.500000") and board.rate.rate_on == date(2027, 4, 20)
    conversion = board.conversion
    assert conversion.committed == D("300000.00") + D("100000.00") * D("17.5")
    assert conversion.disbursed == D("100000.00") + D("175000.00")
    assert conversion.remaining == D("200000.00") + D("90000.00") * D("17.5")
    assert conversion.cofinance_verified == D("40000.00") + D("8000.00") * D("17.5")
    later = board_of(personas, f=ReportFilter(date_to=date(2027, 12, 31)))
    assert later.rate.rate == D("18.000000")


def _cell(html: str, row: str, figure: str) -> str:
    block = re.search(rf'<tr data-row="{re.escape(row)}"[^>]*>(.*?)</tr>', html, re.S)
    assert block, f"no row {row}"
    cell = re.search(rf'data-figure="{figure}">([^<]*)<', block.group(1))
    assert cell, f"no {figure} in row {row}"
    return cell.group(1).replace("\u00a0", " ")


def test_page_shows_the_figures_with_their_currency_and_the_rate_label(world, app, personas):
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    html = client.get("/reports/finance?date_from=2027-01-01&date_to=2027-04-30").get_data(
        as_text=True
    )
    assert _cell(html, "total-MXN", "disbursed") == "MXN 100,000.00"
    assert _cell(html, "total-MXN", "remaining") == "MXN 200,000.00"
    assert _cell(html, "total-USD", "disbursed") == "USD 10,000.00"
    assert _cell(html, "combined", "committed") == "MXN 2,050,000.00"
    assert _cell(html, "cofinance-MXN", "ratio-verified") == "0.13"
    assert _cell(html, "cofinance-MXN", "rejected") == "MXN 5,000.00"
    assert "converted at USD/MXN 17.5000 of 2027-04-20 (Banco de México FIX rate)" in html
    assert "Leverage ratio = co-finance ÷ programme funds committed" in html
    for chart in ("chart-calls-mxn", "chart-calls-usd", "chart-states-usd", "chart-types-mxn"):
        assert f'<figure class="mb-3" id="{chart}">' in html
    assert 'style="' not in html and "<script>" not in html  # the CSP forbids both
    assert f'href="/finance/grants/{world.b.id}"' in html  # at-risk grant links to its page
    assert "Late reports: 1; co-finance shortfall: 1." in html
    assert (
        "Co-finance shortfall: cost share verified USD 8,000.00 of USD 90,000.00"
        in html.replace("\u00a0", " ")
    )
    plain = client.get("/reports/finance").get_data(as_text=True)
    assert "No USD/MXN exchange rate is stored for 2027-04-01 or before" in plain
    assert 'data-row="combined"' not in plain


def test_invalid_filter_shows_the_error_and_no_filter(world, app, personas):
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    html = client.get(
        f"/reports/finance?call={world.usd_call.id}&date_from=2027-05-01&date_to=2027-01-01"
    ).get_data(as_text=True)
    assert "The end of the period must not be before its start." in html
    assert 'data-warning="invalid-filter"' in html
    # No filter at all: both currencies, every disbursement.
    assert _cell(html, "total-MXN", "disbursed") == "MXN 130,000.00"
    assert _cell(html, "total-USD", "disbursed") == "USD 10,000.00"
    spanish = client.get("/reports/finance?date_from=mañana&lang=es").get_data(as_text=True)
    assert 'data-warning="invalid-filter"' in spanish
    assert "Not a valid date value." not in spanish  # WTForms' message, translated
    other = client.get("/reports/finance?programme=999999&lang=en").get_data(as_text=True)
    assert "Not a valid choice." in other


def test_manager_page_and_forged_filter(world, app, personas):
    client = app.test_client()
    login(client, personas["grants_manager"].email)
    html = client.get("/reports/finance").get_data(as_text=True)
    assert 'data-row="total-MXN"' in html and 'data-row="total-USD"' not in html
    assert "Org B" not in html and "Border Fund" not in html
    forged = client.get(f"/reports/finance?programme={world.usd_programme.id}").get_data(
        as_text=True
    )
    assert "Not a valid choice." in forged  # not offered, so refused; and no USD figures
    assert 'data-row="total-USD"' not in forged


def _dashboard_statements(app, personas, count_queries, url="/reports/finance"):
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    client.get(url)  # warm-up (first request compiles templates)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_fixed_number_of_statements(app, ctx, personas, freeze_today, count_queries):  # noqa: F811
    world = build(app, personas)
    one = _dashboard_statements(app, personas, count_queries)
    filtered = _dashboard_statements(
        app, personas, count_queries, "/reports/finance?date_from=2027-01-01&date_to=2027-04-30"
    )
    for i in range(5):  # five more grants, each paid, with co-finance and a late report
        award = helpers.active_award(
            world.mxn_call,
            personas["org_a"],
            personas["applicant"],
            personas["grants_manager"],
            amount="100000.00",
            title=f"More {i}",
        )
        request = helpers.approved_request(
            award, personas["applicant"], personas["grants_manager"], personas["finance_officer"]
        )
        operations.pay_request(
            request, personas["finance_officer"], entry("1000.00", f"more-{i}", date(2027, 3, 1))
        )
        contribute(
            award,
            personas["applicant"],
            award.commitments[0],
            "cost_share",
            "10.00",
            date(2027, 3, 1),
        )
    db.session.commit()
    many = _dashboard_statements(app, personas, count_queries)
    assert board_of(personas).totals["MXN"].grants == 6
    assert one == many == filtered, (one, many, filtered)
    assert many <= 20


def test_download_links_carry_the_filter_and_work(world, app, personas):
    """The ledger exports and open-data files (other blueprints) get the dashboard's filter."""
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    url = f"/reports/finance?state=26&call={world.usd_call.id}&date_from=2027-01-01"
    html = client.get(url).get_data(as_text=True)
    nav = re.search(
        r'<nav class="mb-3" aria-label="Downloads with this filter">(.*?)</nav>', html, re.S
    )
    assert nav, "no download links"
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', nav.group(1))]
    assert links
    for href in links:
        assert "state=26" in href and f"call={world.usd_call.id}" in href, href
        assert "date_from=2027-01-01" in href, href
        response = client.get(href)
        assert response.status_code == 200, (href, response.status_code)
