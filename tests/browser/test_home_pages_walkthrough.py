"""Every role's home page, clicked through in the browser on the untouched demo data (issue 14).

Each persona logs in, finds "Waiting for you" with the demo's tasks for that role, and every
task's button opens the page where the work is done. The signatory of Justicia Cercana
reaches the signature form of the demo agreement in one click from her home page, and her
grant is listed under "My grants" with the same next step. These tests run before the other
walk-throughs (tests/browser/conftest.py), which sign, pay and review the demo data.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

# persona -> group titles (English msgids) its home page must show from the demo data
TASKS = {
    "direccion@justiciacercana.example": (
        "Agreements to sign",
        "Milestone reports due",
        "Co-finance to report",
    ),
    "direccion@mediasonora.example": ("Drafts to finish and submit", "Milestone reports due"),
    "revisor2@cofinancia.example": ("Reviews to score",),
    "revisora1@cofinancia.example": ("Consensus to record",),
    "gestor@cofinancia.example": (
        "Consensus to record",
        "Deliverables to approve",
        "Overdue milestone reports",
    ),
    "finanzas@cofinancia.example": ("Co-finance to verify",),
    "admin@cofinancia.example": ("Audit trail",),
}


def _task_buttons(page):
    return page.locator("section[aria-labelledby='waiting-heading'] .list-group-item a.btn")


@pytest.mark.parametrize("email", list(TASKS))
def test_home_page_lists_the_tasks_and_each_link_opens_its_page(page, es, shot, email):
    log_in(page, email)
    expect(page.get_by_role("heading", name=es("Waiting for you"))).to_be_visible()
    for title in TASKS[email]:
        expect(page.get_by_role("heading", name=es(title), exact=True)).to_be_visible()
    shot(page, f"home-{email.split('@')[0]}-{email.split('@')[1].split('.')[0]}")
    buttons = _task_buttons(page)
    hrefs = [buttons.nth(i).get_attribute("href") for i in range(buttons.count())]
    assert hrefs
    for index, href in enumerate(hrefs):
        _task_buttons(page).nth(index).click()
        expect(page).to_have_url(re.compile(re.escape(href.split("#")[0])))
        expect(page.locator("main h1").first).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(es("Page not found"))
        page.go_back()


def test_the_signatory_reaches_sign_in_one_click_and_from_my_grants(page, es, shot):
    log_in(page, "direccion@justiciacercana.example")
    group = page.locator("#task-sign")
    expect(group).to_contain_text("CONV-2026-01-0002")
    group.get_by_role("link", name=es("Review and sign")).click()  # click 1
    expect(page.get_by_label(es("Your full name"))).to_be_visible()
    shot(page, "sign-form-after-one-click")

    page.goto("/dashboard")
    page.get_by_role("navigation").get_by_role("link", name=es("My grants")).first.click()
    item = page.locator("li.list-group-item", has_text="CONV-2026-01-0002")
    expect(item).to_contain_text(es("Agreement issued"))
    item.get_by_role("link", name=es("Review and sign the agreement")).click()
    expect(page.get_by_label(es("Your full name"))).to_be_visible()
