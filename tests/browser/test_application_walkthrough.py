"""Walk-through of an application in the browser, as the demo applicant (Spanish): fail and
then pass the eligibility quiz of CONV-2026-01, fill in the form, upload the work plan and the
budget sheet, build a budget with co-finance, read the checklist, submit, see the status and
download the acknowledgement."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo.data import DEMO_PASSWORD
from tests.documents import samples

pytestmark = pytest.mark.browser

OWNER = "direccion@justiciacercana.example"


def _log_in(page) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(OWNER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _answer(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _upload(page, es, slot_label: str, path) -> None:
    name = re.compile("^" + re.escape(es("Save and upload a file")) + ".*" + re.escape(slot_label))
    page.get_by_role("button", name=name).click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name=es("Upload and check")).click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/edit"))
    expect(page.locator("main")).to_contain_text(path.name)


def test_apply_fill_budget_checklist_submit(page, shot, es, tmp_path, mail_to):
    _log_in(page)
    page.goto("/calls/CONV-2026-01")
    page.get_by_role("link", name=es("Start an application")).click()

    # Eligibility: fail first (the reason is shown and nothing is saved), then pass.
    legal = "¿Su organización está legalmente constituida en México?"
    office = "¿Algún integrante del órgano de gobierno ocupa un cargo de elección popular?"
    _answer(page, legal, es("No"))
    _answer(page, office, es("No"))
    page.get_by_role("button", name=es("Check eligibility and start")).click()
    reason = "Solo pueden participar organizaciones legalmente constituidas en México."
    expect(page.get_by_text(reason)).to_be_visible()
    shot(page, "not-eligible")
    _answer(page, legal, es("Yes"))
    page.get_by_role("button", name=es("Check eligibility and start")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es("Application form"))
    shot(page, "draft-started")

    # The checklist lists what is missing, each item a link to the field.
    page.get_by_role("link", name=es("Check and submit")).click()
    checklist = page.locator("ol.checklist")
    expect(checklist.get_by_role("link", name=es("Give the application a title."))).to_be_visible()
    expect(checklist).to_contain_text(es("Add at least one line to the budget."))
    shot(page, "checklist-incomplete")
    checklist.get_by_role("link", name=es("Give the application a title.")).click()
    expect(page).to_have_url(re.compile(r"/edit#title$"))

    # The form, by its visible labels.
    page.get_by_label(es("Title of the application")).fill("Mediación en colonias de Apodaca")
    page.get_by_label("Título del proyecto").fill("Mediación en colonias de Apodaca")
    page.get_by_label("Resumen del proyecto").fill("Mediación vecinal con apoyo jurídico.")
    page.get_by_label("Mediación comunitaria").check()
    page.get_by_label("Personas beneficiarias (estimación)").fill("300")
    page.get_by_label("Fecha de inicio prevista").fill("2027-03-01")
    _answer(page, "¿Trabajará con instituciones públicas?", es("Yes"))
    expect(page.get_by_label("Instituciones y su papel")).to_be_visible()  # shown live
    _answer(page, "¿Trabajará con instituciones públicas?", es("No"))
    expect(page.get_by_label("Instituciones y su papel")).to_be_hidden()
    page.get_by_role("button", name=es("Save"), exact=True).click()
    expect(page.get_by_text(es("Your answers are saved."))).to_be_visible()
    shot(page, "answers-saved")

    plan = tmp_path / "plan-de-trabajo.pdf"
    plan.write_bytes(samples.pdf("Plan de trabajo"))
    _upload(page, es, "Plan de trabajo", plan)
    sheet = tmp_path / "presupuesto.csv"
    sheet.write_text("concepto,monto\nmediadores,400000\n", encoding="utf-8")
    _upload(page, es, "Presupuesto detallado", sheet)
    shot(page, "documents-uploaded")

    # Budget with co-finance: 400,000 requested + 100,000 cost share = 20 % of 500,000.
    page.get_by_role("link", name=es("Budget"), exact=True).click()
    line = page.get_by_role("group", name=es("Line %(n)s", n=1))
    line.get_by_label(es("Category")).select_option(label=es("Personnel"))
    line.get_by_label(es("Description")).fill("Equipo de mediación")
    line.get_by_label(es("Requested from the programme")).fill("400,000")
    line.get_by_label(es("Co-finance")).fill("100000")
    source = page.get_by_role("group", name=es("Source %(n)s", n=1))
    source.get_by_label(es("Contributor"), exact=True).fill("Justicia Cercana, A.C.")
    source.get_by_label(es("Type of contributor")).select_option(label=es("The applicant itself"))
    source.get_by_label(es("Committed amount")).fill("100000")
    page.get_by_role("button", name=es("Save and recalculate")).click()
    totals = page.locator("#totals")
    expect(totals).to_contain_text(re.compile(r"MXN\s500,000\.00"))
    expect(totals).to_contain_text(re.compile(r"20\s?%"))
    shot(page, "budget")

    # Nothing left on the checklist: submit.
    page.get_by_role("link", name=es("Check and submit")).click()
    expect(
        page.get_by_text(es("Everything is complete: the application can be submitted."))
    ).to_be_visible()
    page.get_by_label(
        es("I confirm that the information in this application is true, complete and accurate.")
    ).check()
    page.get_by_role("button", name=es("Submit the application")).click()
    # The demo already holds two submitted applications on this call (0001 and 0002).
    expect(page.locator(".alert-success")).to_contain_text("CONV-2026-01-0003")
    expect(page.locator("#timeline")).to_contain_text(es("Submitted"))
    shot(page, "submitted")

    with page.expect_download() as download:
        page.get_by_role("link", name=es("Download the acknowledgement (PDF)")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    (subject, body) = mail_to(OWNER)[-1]
    assert "CONV-2026-01-0003" in subject and "/acknowledgement" in body
