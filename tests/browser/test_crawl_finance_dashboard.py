"""The finance dashboard's layout (issue 14): it leads with the key figures and an in-page
navigation, and no table hides columns behind a sideways scroll on a desktop screen.

Other walk-throughs share the live server and pay demo grants, so the key figures are compared
with the tables of the same page, never with fixed amounts.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

OFFICER = "finanzas@cofinancia.example"
KEY_FIGURES = ("committed", "disbursed", "remaining", "cofinance-verified", "leverage")

CLIPPED_TABLES = """() => Array.from(document.querySelectorAll('.table-responsive'))
  .filter((box) => box.clientWidth && box.scrollWidth > box.clientWidth + 1)
  .map((box) => (box.querySelector('table') || box).id || box.outerHTML.slice(0, 80))"""


def test_key_figures_come_first_with_an_in_page_navigation(page, es, shot):
    log_in(page, OFFICER)
    page.goto("/reports/finance")
    main = page.locator("main")
    expect(main.locator("h2").first).to_have_text(es("Key figures"))
    for currency in ("MXN", "USD"):
        box = main.locator(f"[data-key-figures={currency}]")
        for key in KEY_FIGURES:
            expect(box.locator(f"[data-key-figure={key}]")).to_be_visible()
        row = main.locator(f"tr[data-row=total-{currency}]")
        for key in ("committed", "disbursed", "remaining"):
            expect(box.locator(f"[data-key-figure={key}]")).to_have_text(
                row.locator(f"[data-figure={key}]").inner_text()
            )
        cofinance = main.locator(f"tr[data-row=cofinance-{currency}]")
        expect(box.locator("[data-key-figure=cofinance-verified]")).to_have_text(
            cofinance.locator("[data-figure=verified]").inner_text()
        )
        expect(box.locator("[data-key-figure=leverage]")).to_have_text(
            cofinance.locator("[data-figure=ratio-verified]").inner_text()
        )
    # On a 1280 × 900 screen the first currency's figures show without scrolling.
    top = main.locator("[data-key-figures=MXN]").bounding_box()
    assert top and top["y"] + top["height"] < 900, top
    shot(page, "key-figures")

    toc = page.get_by_role("navigation", name=es("On this page"))
    links = toc.get_by_role("link")
    assert links.count() >= 6
    for href in links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))"):
        assert href.startswith("#") and page.locator(href).count() == 1, href
    toc.get_by_role("link", name=es("Grants at risk")).click()
    expect(page.get_by_role("heading", name=es("Grants at risk"), level=2)).to_be_in_viewport()
    shot(page, "grants-at-risk")


@pytest.mark.parametrize("width", [1024, 1280, 1366])
def test_no_table_is_clipped_from_1024_px(page, width):
    log_in(page, OFFICER)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/reports/finance")
    folded = page.locator("main details")
    assert folded.count() >= 3  # the breakdowns that repeat a chart
    folded.evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
    assert page.evaluate(CLIPPED_TABLES) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
