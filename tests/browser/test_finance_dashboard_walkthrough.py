"""Walk-through of the finance dashboard (issue 8) with the demo data, in Spanish: the demo
finance officer opens it from the navigation bar, sees both currencies with their codes, the
converted total and its stored rate, the charts (inline SVG, no JavaScript, no CSP violation),
deadlines and grants at risk; filtering by state and by call changes the figures.

Other walk-throughs share the live server and pay grant CONV-2025-01-0901, so only figures
they never touch (the USD grants of CONV-2025-02) are asserted exactly.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

OFFICER = "finanzas@cofinancia.example"


def test_finance_dashboard(live_server, page, es, shot):
    log_in(page, OFFICER)
    page.get_by_role("navigation").get_by_role(
        "link", name=es("Finance dashboard"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Finance dashboard"))
    expect(page.locator("tr[data-row=total-MXN]")).to_contain_text("MXN")
    expect(page.locator("tr[data-row=total-USD] [data-figure=committed]")).to_contain_text(
        "USD 130,000.00"
    )
    expect(page.locator("tr[data-row=combined]")).to_be_visible()
    expect(page.locator("[data-conversion]")).to_contain_text("18.3275")
    expect(page.locator("#chart-calls-mxn svg")).to_be_visible()
    expect(page.locator("#chart-states-usd svg")).to_contain_text("Sonora")
    expect(page.locator("#overdue tbody tr").first).to_be_visible()
    expect(page.locator("#due-soon")).to_contain_text("CONV-2025-02-0001")
    expect(page.locator("#at-risk [data-reason=shortfall]").first).to_be_visible()
    shot(page, "dashboard")

    form = page.get_by_role("search")
    form.get_by_label(es("State")).select_option("26")  # Sonora
    form.get_by_role("button", name=es("Filter")).click()
    expect(page.locator("tr[data-row=total-MXN]")).to_have_count(0)
    expect(page.locator("tr[data-row=total-USD] [data-figure=committed]")).to_contain_text(
        "USD 80,000.00"
    )
    expect(page.locator("tr[data-row=total-USD] [data-figure=disbursed]")).to_contain_text(
        "USD 40,000.00"
    )
    shot(page, "sonora")

    form = page.get_by_role("search")
    form.get_by_label(es("State")).select_option("")
    form.get_by_label(es("Call")).select_option(label="CONV-2025-01")
    form.get_by_role("button", name=es("Filter")).click()
    expect(page.locator("tr[data-row=total-USD]")).to_have_count(0)
    # 901–904 (1,140,000) and the closeout demo's 0905 (200,000, in closeout) and 0906
    # (150,000, closed: a closed grant's commitment stays in the figures).
    expect(page.locator("tr[data-row=total-MXN] [data-figure=committed]")).to_contain_text(
        "MXN 1,490,000.00"
    )
    shot(page, "call")
    assert not live_server.errors
