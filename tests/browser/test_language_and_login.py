"""Walk-through: the Spanish home page, the language switch, logging in and out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser

HEADLINE = "Co-financing local solutions for justice"


def test_home_page_is_spanish_by_default(page, shot, es):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    spanish = es(HEADLINE)
    assert spanish != HEADLINE, f"{HEADLINE!r} has no Spanish translation"
    expect(page.get_by_role("heading", level=1)).to_have_text(spanish)
    expect(page.get_by_role("link", name="English")).to_be_visible()
    shot(page, "home-es")


def test_switch_to_english_log_in_and_out(page, shot):
    page.goto("/")
    shot(page, "home-es")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    shot(page, "home-en")

    page.get_by_role("navigation").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("E-mail address").fill("revisor2@cofinancia.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    shot(page, "login-filled")
    page.get_by_role("button", name="Log in").click()

    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Daniel Harrington")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "logged-in")

    nav.locator(".dropdown-toggle").click()  # the account menu
    nav.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="Daniel Harrington")).to_have_count(0)
    shot(page, "logged-out")


def test_wrong_password_is_refused_with_a_clear_message(page, shot):
    page.goto("/login?lang=en")
    page.get_by_label("E-mail address").fill("revisor2@cofinancia.example")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid e-mail or password.")
    expect(page.get_by_role("link", name="Daniel Harrington")).to_have_count(0)
    shot(page, "refused")


def test_spanish_applicant_logs_in_and_acts_for_her_organisation(page, shot, es):
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=es("Log in")).click()
    page.get_by_label(es("E-mail address")).fill("direccion@justiciacercana.example")
    page.get_by_label(es("Password")).fill(DEMO_PASSWORD)
    shot(page, "login-es")
    page.get_by_role("button", name=es("Log in")).click()

    nav = page.get_by_role("navigation")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(nav.get_by_role("link", name="Lucía Garza Treviño")).to_be_visible()
    expect(nav).to_contain_text("Justicia Cercana, A.C.")
    expect(nav).not_to_contain_text(re.compile("Mediación y Soluciones"))
    shot(page, "dashboard-es")

    nav.locator(".dropdown-toggle").click()  # the account menu
    nav.get_by_role("button", name=es("Log out")).click()
    expect(nav.get_by_role("link", name=es("Log in"))).to_be_visible()
    shot(page, "logged-out-es")


def _log_in(page, es, email: str) -> None:
    page.goto("/login")
    page.get_by_label(es("E-mail address")).fill(email)
    page.get_by_label(es("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=es("Log in")).click()


def test_language_choice_is_remembered_per_user(page, shot, es, browser, live_server):
    email = "proyectos@justiciacercana.example"
    _log_in(page, es, email)
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # The footer's switcher (a real form: works without JavaScript) saves the choice.
    page.get_by_label(es("Language"), exact=True).select_option("en")
    page.get_by_role("button", name=es("Change")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "switched-to-english")

    # Another browser (no session, Spanish by default) gets English once this user logs in.
    other = browser.new_context(locale="es-MX", base_url=live_server.url)
    try:
        second = other.new_page()
        second.goto("/")
        expect(second.locator("html")).to_have_attribute("lang", "es")
        _log_in(second, es, email)
        expect(second.locator("html")).to_have_attribute("lang", "en")
        expect(second.get_by_role("link", name="Dashboard", exact=True)).to_be_visible()
        shot(second, "other-browser-english")
    finally:
        other.close()
