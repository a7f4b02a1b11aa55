"""Walk-through of setting up a call in the browser (first half of issue 4's "Done when"), in
Spanish, as the demo grants manager: Programmes → the demo programme → a new call with titles,
dates, money limits, a co-finance minimum and an instrument; an eligibility question, a short
text and a money question on the form, a mandatory document slot; publish; an anonymous
visitor then finds the call under "Open now" on the public list of calls.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

CODE = "CONV-2026-07"
MANAGER = "gestor@cofinancia.example"
PROGRAMME = "Fondo de Cofinanciamiento para la Justicia Cotidiana"
TITLE_ES = "Acceso a la justicia en comunidades rurales"
TITLE_EN = "Access to justice in rural communities"
ZONE = "America/Mexico_City"
KINDS = {"short_text": "Short text", "money": "Amount of money"}  # value: English label


def _field(page, es, msgid: str):
    """The field whose whole label is ``msgid`` in Spanish (a required field's "*" aside)."""
    return page.get_by_label(re.compile("^" + re.escape(es(msgid)) + r"(\s*\*)?$"))


def _local(moment: datetime) -> str:
    """A ``datetime-local`` value (clock time in the call's zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _fill_call(page, es) -> None:
    today = datetime.now(ZoneInfo(ZONE)).replace(hour=9, minute=0, second=0, microsecond=0)
    _field(page, es, "Code").fill(CODE)
    page.get_by_label(es("Title (Spanish)")).fill(TITLE_ES)
    page.get_by_label(es("Title (English)")).fill(TITLE_EN)
    page.get_by_label(es("Description (Spanish)")).fill(
        "Apoyo a organizaciones que acercan la justicia a comunidades rurales."
    )
    page.get_by_label(es("Description (English)")).fill(
        "Support for organisations bringing justice closer to rural communities."
    )
    page.get_by_label(es("Time zone of the dates")).select_option(ZONE)
    _field(page, es, "Opens").fill(_local(today - timedelta(days=1)))
    page.get_by_label(es("Closes (deadline)")).fill(
        _local(today.replace(hour=18) + timedelta(days=60))
    )
    page.get_by_label(es("Budget of the call")).fill("2500000")
    _field(page, es, "Minimum award").fill("100000")
    _field(page, es, "Maximum award").fill("500000")
    page.get_by_label(es("Minimum co-finance (percentage of total project cost)")).fill("15")
    instruments = page.get_by_role("group", name=es("Instruments offered"))
    instruments.get_by_label(es("Fixed amount award with milestones")).check()
    kinds = page.get_by_role("group", name=es("Eligible applicant types"))
    kinds.get_by_label(es("Civil-society organisation")).check()


def _add_question(page, es, kind: str, key: str, label_es: str, label_en: str) -> None:
    page.get_by_label(es("New question of kind")).select_option(label=es(KINDS[kind]))
    page.get_by_role("button", name=es("Add"), exact=True).click()
    expect(page.get_by_label(es("Kind of question"))).to_have_value(kind)  # pre-selected
    _field(page, es, "Key").fill(key)
    page.get_by_label(es("Label (Spanish)")).fill(label_es)
    page.get_by_label(es("Label (English)")).fill(label_en)
    page.get_by_label(es("An answer is required")).check()
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Question added."))).to_be_visible()
    expect(page.locator("main ol.list-group")).to_contain_text(label_es)


def test_create_and_publish_a_call(page, shot, es):
    log_in(page, MANAGER)

    # Programmes → the demo programme → New call.
    page.get_by_role("navigation", name=es("Main navigation")).get_by_role(
        "link", name=es("Programmes"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Programmes"))
    page.get_by_role("link", name=PROGRAMME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    shot(page, "programme")
    page.get_by_role("link", name=es("New call"), exact=True).click()
    _fill_call(page, es)
    shot(page, "call-form")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Call created as a draft."))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/calls/{CODE}/manage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_ES)
    checklist = page.locator("section[aria-labelledby=checklist]")
    expect(checklist).to_contain_text(es("Add at least one question to the application form."))
    shot(page, "draft-created")

    # An eligibility question: answering "no" makes the applicant ineligible.
    page.get_by_role("link", name=es("Add eligibility question")).click()
    _field(page, es, "Key").fill("rural")
    page.get_by_label(es("Yes / no")).check()
    page.get_by_label(es("Label (Spanish)")).fill("¿Su organización trabaja en zonas rurales?")
    page.get_by_label(es("Label (English)")).fill("Does your organisation work in rural areas?")
    page.get_by_label(es("Answers that make the applicant ineligible")).fill("no")
    page.get_by_label(es("Reason shown (Spanish)")).fill(
        "La convocatoria es sólo para organizaciones que trabajan en zonas rurales."
    )
    page.get_by_label(es("Reason shown (English)")).fill(
        "The call is only for organisations working in rural areas."
    )
    shot(page, "eligibility-question")
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Eligibility question added."))).to_be_visible()
    expect(page.locator("section[aria-labelledby=quiz]")).to_contain_text(
        "¿Su organización trabaja en zonas rurales?"
    )

    # The application form: a short text and an amount of money.
    page.get_by_role("link", name=es("Edit the form")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(es("Application form"))
    _add_question(page, es, "short_text", "project_title", "Nombre del proyecto", "Project name")
    _add_question(
        page,
        es,
        "money",
        "local_contribution",
        "Aportación de la comunidad",
        "Contribution of the community",
    )
    questions = page.locator("main ol.list-group > li")
    expect(questions).to_have_count(2)
    expect(questions.nth(0)).to_contain_text(es("Short text"))
    expect(questions.nth(1)).to_contain_text(es("Amount of money"))
    shot(page, "form-questions")

    # A mandatory document slot (PDF by default).
    page.get_by_role("link", name=CODE, exact=True).click()
    page.get_by_role("link", name=es("Add document slot")).click()
    _field(page, es, "Key").fill("work_plan")
    page.get_by_label(es("Label (Spanish)")).fill("Plan de trabajo")
    page.get_by_label(es("Label (English)")).fill("Work plan")
    expect(_field(page, es, "Mandatory")).to_be_checked()
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Document slot added."))).to_be_visible()
    slots = page.locator("section[aria-labelledby=documents]")
    expect(slots.get_by_role("row").filter(has_text="Plan de trabajo")).to_contain_text(es("Yes"))

    # Nothing left before publishing; the summary shows the co-finance rule and instrument.
    expect(page.get_by_text(es("The call is complete and can be published."))).to_be_visible()
    summary = page.locator("section[aria-labelledby=summary]")
    expect(summary).to_contain_text(re.compile(r"15(\.0+)?\s?%"))
    expect(summary).to_contain_text(es("Fixed amount award with milestones"))
    expect(summary).to_contain_text(re.compile(r"MXN\s2,500,000\.00"))
    shot(page, "ready-to-publish")
    page.get_by_role("button", name=es("Publish"), exact=True).click()
    expect(page.get_by_text(es("Call published."))).to_be_visible()
    expect(page.locator("main .badge").first).to_have_text(es("Published"))
    shot(page, "published")

    # An anonymous visitor finds it among the open calls.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto("/calls/?lang=es")
    expect(page.get_by_role("link", name=es("Log in"))).to_be_visible()
    open_now = page.locator("section[aria-labelledby=calls-open]")
    row = open_now.get_by_role("row").filter(has_text=CODE)
    expect(row).to_contain_text(TITLE_ES)
    expect(row).to_contain_text(re.compile(r"MXN\s500,000\.00"))
    shot(page, "public-list")
    row.get_by_role("link", name=TITLE_ES).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE_ES)
    expect(page.locator("main")).to_contain_text("Plan de trabajo")
    shot(page, "public-call")
