"""Walk-through of payments and co-finance (issue 7) in the browser, with the demo accounts.

On the demo grant with no payment yet (CONV-2025-01-0901): the applicant reports a co-finance
contribution and submits a certified payment request; the grants manager approves the
deliverable; the finance officer approves the payment, is refused an over-payment and a bad
CLABE, records the disbursement and verifies the co-finance; the figures change.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

REFERENCE = "CONV-2025-01-0901"
APPLICANT = ("direccion@justiciacercana.example", "Lucía Garza Treviño")
MANAGER = "gestor@cofinancia.example"
OFFICER = "finanzas@cofinancia.example"


def _award_id(live_server) -> int:
    from sqlalchemy import select

    from portal.applications.models import Application
    from portal.awards.models import Award
    from portal.core.db import db

    with live_server.app.app_context():
        award_id = db.session.scalar(
            select(Award.id).join(Application).where(Application.reference == REFERENCE)
        )
        db.session.remove()
    return award_id


def test_payment_request_to_disbursement(live_server, page, es, shot):
    award_id = _award_id(live_server)
    grant = f"/finance/grants/{award_id}"

    log_in(page, APPLICANT[0])
    page.goto("/finance/mine")
    page.get_by_role("link", name=REFERENCE).click()
    expect(page).to_have_url(re.compile(grant))
    page.get_by_text(es("Report a contribution")).click()
    form = page.locator(f"form[action$='{grant}/contributions']")
    form.get_by_label(es("Commitment in the agreement")).select_option(index=1)
    form.get_by_label(es("Cash or in kind")).select_option("in_kind")
    form.get_by_label(es("Counts as")).select_option("cost_share")
    form.get_by_label(es("Amount")).fill("30000.00")
    form.get_by_label(es("Valuation basis (required in kind)")).fill("Salones del DIF municipal")
    form.get_by_label(es("Date of the contribution")).fill("2026-03-31")
    form.locator("button[type=submit]").click()
    expect(
        page.get_by_text(
            es("Contribution reported: add its evidence; a finance officer will verify it.")
        )
    ).to_be_visible()

    page.get_by_text(es("New payment request")).click()
    form = page.locator(f"form[action$='{grant}/requests']")
    form.get_by_label(es("Amount requested")).fill("100000.00")
    form.get_by_label(es("Evidence of the deliverable")).fill("Plan de trabajo y 12 sesiones.")
    form.locator("button[type=submit]").click()
    expect(
        page.get_by_text(es("Payment request saved as a draft: add evidence, then submit it."))
    ).to_be_visible()
    request_url = page.url
    page.locator("#typed_name").fill(APPLICANT[1])
    page.locator("form[action$='/submit'] button[type=submit]").click()
    expect(
        page.get_by_text(es("Tick the certification to submit the request.")).first
    ).to_be_visible()
    page.locator("#certified").check()
    page.locator("#typed_name").fill(APPLICANT[1])
    page.locator("form[action$='/submit'] button[type=submit]").click()
    expect(page.locator("[data-status=submitted]")).to_be_visible()
    shot(page, "submitted")

    log_in(page, MANAGER)
    page.goto(request_url)
    form = page.locator("form[action$='/deliverable']")
    form.get_by_label(es("Decision")).select_option("approve")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-status=deliverable_approved]")).to_be_visible()

    log_in(page, OFFICER)
    page.goto(request_url)
    page.locator("form[action$='/approve'] button[type=submit]").click()
    expect(page.locator("[data-status=payment_approved]")).to_be_visible()
    form = page.locator("form[action$='/disburse']")
    form.get_by_label(es("Payment date")).fill("2026-05-05")
    form.get_by_label(es("Amount paid")).fill("100000.01")
    form.get_by_label(es("Bank reference")).fill("SPEI 4455")
    form.get_by_label(es("CLABE of the receiving account")).fill("032180000118359719")
    form.locator("button[type=submit]").click()
    refused = es(
        "Over-payment refused: only %(remaining)s of this milestone is left.", remaining="§"
    )
    expect(page.get_by_text(refused.split("§")[0]).first).to_be_visible()
    form = page.locator("form[action$='/disburse']")
    form.get_by_label(es("Amount paid")).fill("100000.00")
    form.get_by_label(es("CLABE of the receiving account")).fill("032180000118359718")
    form.locator("button[type=submit]").click()
    expect(
        page.get_by_text(es("This CLABE's check digit is wrong: please check the number.")).first
    ).to_be_visible()
    form = page.locator("form[action$='/disburse']")
    form.get_by_label(es("CLABE of the receiving account")).fill("032180000118359719")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text(es("Disbursement recorded."))).to_be_visible()
    expect(page.locator("[data-status=paid]")).to_be_visible()

    page.goto(grant)
    expect(page.locator("[data-figure=disbursed]")).to_contain_text("100,000.00")
    row = page.locator("tr", has_text="Salones del DIF municipal")
    row.get_by_label(es("Decision")).select_option("verify")
    row.locator("button[type=submit]").click()
    expect(page.get_by_text(es("Contribution verified."))).to_be_visible()
    expect(page.locator("[data-figure=cost-share]")).to_contain_text("30,000.00")
    shot(page, "grant-figures")
    assert not live_server.errors
