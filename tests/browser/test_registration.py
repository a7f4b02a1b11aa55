"""Walk-through: a newcomer registers in Spanish, confirms the e-mail and logs in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EMAIL = "nueva.usuaria@organizacion.example"
PASSWORD = "cuatro palabras sin relación 7"


def _fill_registration(page, es, password: str) -> None:
    page.get_by_label(es("Full name")).fill("Valeria Nueva Ramírez")
    page.get_by_label(es("E-mail address")).fill(EMAIL)
    # Anchored: "Password" is also part of "Repeat the password".
    page.get_by_label(re.compile("^" + re.escape(es("Password")))).fill(password)
    page.get_by_label(es("Repeat the password")).fill(password)


def test_register_confirm_and_log_in(page, shot, es, mail_to, live_server):
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=es("Register")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Create an account"))
    shot(page, "register-form")

    # A weak password is refused with the policy's reason, and nothing is sent.
    _fill_registration(page, es, "corta")
    page.get_by_role("button", name=es("Create account")).click()
    expect(page.get_by_role("alert")).to_contain_text(es("Please correct the following:"))
    expect(page.get_by_role("alert")).to_contain_text(es("Use at least %(n)d characters.", n=12))
    shot(page, "weak-password")
    assert mail_to(EMAIL) == []

    _fill_registration(page, es, PASSWORD)
    page.get_by_role("button", name=es("Create account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Check your inbox"))
    shot(page, "check-inbox")

    # The confirmation e-mail went to the outbox in Spanish; follow its link.
    (subject, body), *_ = mail_to(EMAIL)
    assert subject == es("Confirm your e-mail address for Cofinancia")
    link = re.search(re.escape(live_server.url) + r"/\S+", body)
    assert link, f"no confirmation link in:\n{body}"
    page.goto(link.group(0))
    expect(page.get_by_text(es("Thank you: your e-mail address is confirmed."))).to_be_visible()
    shot(page, "confirmed")

    page.get_by_label(es("E-mail address")).fill(EMAIL)
    page.get_by_label(es("Password")).fill(PASSWORD)
    page.get_by_role("button", name=es("Log in")).click()
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Valeria Nueva Ramírez")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shot(page, "dashboard")
