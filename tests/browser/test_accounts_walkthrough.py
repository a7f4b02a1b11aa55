"""Walk-through of the accounts pages: register in English from a Spanish browser, confirm
the address through the e-mailed link (read from the outbox table), log in, switch the
language on the profile page, log out of all devices; then forgot password → reset → log in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "siete palabras para una clave larga"
NEW_PASSWORD = "otra clave larga con cinco palabras"


def _link(mail_to, live_server, email: str, path: str) -> str:
    """The link containing ``path`` in the newest e-mail sent to ``email``."""
    (_subject, body) = mail_to(email)[-1]
    found = re.search(re.escape(live_server.url) + re.escape(path) + r"\S+", body)
    assert found, f"no {path} link in:\n{body}"
    return found.group(0)


def _register(page, es, email: str, name: str, language: str) -> None:
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=es("Register")).click()
    page.get_by_label(es("Full name")).fill(name)
    page.get_by_label(es("E-mail address")).fill(email)
    page.get_by_label(re.compile("^" + re.escape(es("Password")))).fill(PASSWORD)
    page.get_by_label(es("Repeat the password")).fill(PASSWORD)
    page.get_by_label(es("Preferred language")).select_option(language)
    page.get_by_role("button", name=es("Create account")).click()


def _log_in(page, email: str, password: str, email_label: str, password_label: str, button):
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=button).click()


def test_register_in_english_confirm_log_in_and_switch_language(
    page, shot, es, mail_to, live_server
):
    email = "walk.english@example.org"
    _register(page, es, email, "Ruth Walker", "en")
    # The chosen language applies at once, before the account is even confirmed.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    shot(page, "check-inbox-en")

    (subject, _body) = mail_to(email)[-1]
    assert subject == "Confirm your e-mail address for Cofinancia"  # the user's language
    page.goto(_link(mail_to, live_server, email, "/verify-email/"))
    expect(page.get_by_text("Thank you: your e-mail address is confirmed.")).to_be_visible()
    shot(page, "confirmed")

    _log_in(page, email, PASSWORD, "E-mail address", "Password", "Log in")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Ruth Walker")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "dashboard-en")

    nav.get_by_role("link", name="Ruth Walker").click()  # opens the account menu
    nav.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    main = page.locator("main")
    main.get_by_label("Language", exact=True).select_option("es")
    main.get_by_label("Time zone").select_option("America/Hermosillo")
    shot(page, "profile-before-save")
    main.get_by_role("button", name="Save").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text(es("Your profile is saved."))).to_be_visible()
    expect(main.get_by_label(es("Time zone"))).to_have_value("America/Hermosillo")
    shot(page, "profile-es")

    main.get_by_role("button", name=es("Log out of all devices")).click()
    expect(page.get_by_text(es("You have been logged out on every other device."))).to_be_visible()
    expect(nav.get_by_role("link", name="Ruth Walker")).to_be_visible()  # still logged in here
    shot(page, "logged-out-elsewhere")


def test_forgot_password_reset_and_log_in(page, shot, es, mail_to, live_server):
    email = "walk.reset@example.org"
    _register(page, es, email, "Tomás Olvido", "es")
    page.goto(_link(mail_to, live_server, email, "/verify-email/"))

    page.get_by_role("link", name=es("Forgot your password?")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Forgot your password?"))
    page.get_by_label(es("E-mail address")).fill(email)
    page.get_by_role("button", name=es("Send the link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Check your inbox"))
    shot(page, "reset-requested")

    link = _link(mail_to, live_server, email, "/reset-password/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Choose a new password"))
    page.get_by_label(es("New password")).fill("corta")
    page.get_by_label(es("Repeat the password")).fill("corta")
    page.get_by_role("button", name=es("Save the password")).click()
    expect(page.get_by_role("alert")).to_contain_text(es("Use at least %(n)d characters.", n=12))
    shot(page, "reset-weak-password")

    page.get_by_label(es("New password")).fill(NEW_PASSWORD)
    page.get_by_label(es("Repeat the password")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=es("Save the password")).click()
    expect(
        page.get_by_text(es("Your new password is saved. Please log in with it."))
    ).to_be_visible()
    shot(page, "password-saved")

    _log_in(page, email, NEW_PASSWORD, es("E-mail address"), es("Password"), es("Log in"))
    expect(page.get_by_role("navigation").get_by_role("link", name="Tomás Olvido")).to_be_visible()
    shot(page, "logged-in-with-new-password")

    # The link was for one use only.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(es("This link cannot be used"))
    shot(page, "link-used")
