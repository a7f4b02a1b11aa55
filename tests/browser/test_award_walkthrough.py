"""Walk-through of the agreement signature (issue 6) in the browser, with the demo data.

On the demo award of CONV-2026-01 (CONV-2026-01-0002: terms, milestones and an issued
agreement): the grants manager is refused a milestone beyond the award; an editor
of the organisation who is not its signatory is refused the signature with a clear message;
the signatory signs (name, acceptance, password); the grants manager countersigns; the signed
agreement shows and the public /verify/<hash> page confirms it, while the hash of a tampered
copy is not verified. No other walk-through uses this award.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from portal.demo.data import DEMO_PASSWORD
from tests.support.browser import log_in

pytestmark = pytest.mark.browser

REFERENCE = "CONV-2026-01-0002"
SIGNATORY = ("direccion@justiciacercana.example", "Lucía Garza Treviño")
EDITOR = "proyectos@justiciacercana.example"
MANAGER = "gestor@cofinancia.example"
EXTRA = "Taller adicional no previsto"


def _ids(live_server) -> tuple[int, int, str, str, str]:
    """The demo award's id, its latest agreement's id and number, the award amount in figures
    and the manager's full name."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.awards.amounts_in_words import figures
    from portal.awards.models import Agreement, Award
    from portal.core.db import db

    with live_server.app.app_context():
        award = db.session.scalar(
            select(Award).join(Application).where(Application.reference == REFERENCE)
        )
        agreement = db.session.scalar(
            select(Agreement).filter_by(award_id=award.id).order_by(Agreement.version.desc())
        )
        manager = db.session.scalar(select(User).filter_by(email=MANAGER))
        found = (
            award.id,
            agreement.id,
            agreement.number,
            figures(award.amount, award.currency),
            manager.full_name,
        )
        db.session.remove()
    return found


def _age_the_proof(live_server, email: str) -> None:
    """Make the user's last proof of identity an hour old, as if time had passed."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.accounts.session_models import UserSession
    from portal.core.db import db, now_utc

    with live_server.app.app_context():
        user = db.session.scalar(select(User).filter_by(email=email))
        for row in db.session.scalars(select(UserSession).filter_by(user_id=user.id)):
            row.factor_dt = now_utc() - timedelta(hours=1)
        db.session.commit()
        db.session.remove()


def _sign(page, es, name: str, accept: bool = True, password: str = DEMO_PASSWORD) -> None:
    page.get_by_label(es("Your full name")).fill(name)
    if accept:
        page.get_by_label(
            es("I have read the agreement and accept it on behalf of the party I represent.")
        ).check()
    page.get_by_label(es("Your password")).fill(password)
    page.get_by_role("button", name=es("Sign"), exact=True).click()


def _forge_signature(page, action: str) -> None:
    """Post the signature form the page does not offer (as a hand-made request would), with the
    session's CSRF token, and let the browser follow the answer."""
    page.evaluate(
        """([action, name, password]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const token = document.querySelector("input[name=csrf_token]").value;
            const values = {csrf_token: token, typed_name: name, accept: "y", password};
            for (const [key, value] of Object.entries(values)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = key;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [action, "Marco Villarreal Salinas", DEMO_PASSWORD],
    )
    page.wait_for_load_state("load")


def _milestone_beyond_the_award(page, es, shot, award_url: str, amount: str) -> None:
    """The manager types a milestone beyond the award: it is refused on the amount field
    (saying by how much), nothing is added, and the agreement waiting for signatures stays."""
    page.goto(award_url)
    page.get_by_role("link", name=es("Payment schedule"), exact=True).click()
    page.get_by_label(es("Deliverable")).fill(EXTRA)
    page.get_by_label(es("Means of verification")).fill("Lista de asistencia")
    page.get_by_label(es("Due date")).fill("2027-06-01")
    page.get_by_label(es("Amount")).fill("1000.00")
    page.get_by_role("button", name=es("Add"), exact=True).click()
    total = f"MXN {float(amount.split()[1].replace(',', '')) + 1000:,.2f}"
    refused = es(
        "With this milestone the schedule would add up to %(total)s, %(difference)s more "
        "than the award of %(award)s.",
        total=total,
        difference="MXN 1,000.00",
        award=amount,
    )
    expect(page.get_by_label(es("Amount"))).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#amount ~ .invalid-feedback")).to_have_text(refused)
    expect(page.get_by_role("row").filter(has_text=EXTRA)).to_have_count(0)
    expect(page.locator(".alert-warning")).to_have_count(0)
    shot(page, "milestone-beyond-the-award-refused")
    page.goto(award_url)
    expect(page.locator("#agreements")).to_contain_text(es("Issued, not signed yet"))


def test_signatory_signs_manager_countersigns_and_verify(live_server, page, es, shot, mail_to):
    award_id, _, _, amount, manager_name = _ids(live_server)
    award_url = f"/awards/{award_id}"

    # The grants manager: a milestone beyond the award is refused; nothing changes, so the
    # agreement waiting for signatures is still the one to sign.
    log_in(page, MANAGER)
    _milestone_beyond_the_award(page, es, shot, award_url, amount)
    _, agreement_id, NUMBER, _, _ = _ids(live_server)  # noqa: N806 - reads as the constant it was
    sign_url = f"/agreements/{agreement_id}/sign"
    expect(page.locator("#agreements")).to_contain_text(NUMBER)

    # An editor of the organisation (not its signatory) is refused.
    log_in(page, EDITOR)
    page.goto(award_url)
    expect(page.locator("#agreements")).to_contain_text(NUMBER)
    expect(page.get_by_role("link", name=es("Review and sign the agreement"))).to_have_count(0)
    response = page.goto(sign_url)
    assert response.status == 403
    expect(page.get_by_role("heading", name=es("Access denied"))).to_be_visible()
    refusal = es(
        "Only the organisation's designated signatory can sign this agreement. Ask an "
        "owner of the organisation to designate you, or ask the signatory to sign."
    )
    expect(page.locator("main")).to_contain_text(refusal)
    shot(page, "editor-sign-page-refused")
    page.goto(award_url)
    _forge_signature(page, sign_url)
    expect(page).to_have_url(re.compile(rf"{award_url}$"))
    expect(
        page.get_by_text(
            es(
                "Only the organisation's designated signatory can sign this agreement. Ask an "
                "owner of the organisation to designate you, or ask the signatory to sign."
            )
        )
    ).to_be_visible()
    expect(page.locator("#agreements")).to_contain_text(es("Issued, not signed yet"))
    shot(page, "editor-refused")

    # The signatory reviews and signs: a wrong name and password are refused first.
    log_in(page, SIGNATORY[0])
    page.goto(award_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    page.get_by_role("link", name=es("Review and sign the agreement")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NUMBER)
    expect(page.get_by_role("link", name=es("Agreement (PDF)"))).to_be_visible()
    shot(page, "sign-page")
    _sign(page, es, "Otra Persona", accept=False, password="incorrecta")
    main = page.locator("main")
    expect(main).to_contain_text(
        es("Type your full name exactly as in your account: %(name)s.", name=SIGNATORY[1])
    )
    expect(main).to_contain_text(es("Tick the statement to accept the agreement."))
    expect(main).to_contain_text(es("The password is not correct."))
    shot(page, "sign-refused")

    # Step-up (issue 17): an hour after the signatory last proved who she is, signing asks her
    # to confirm first (her password: she has no second factor), then she signs.
    step_up_max_age = live_server.app.config["STEP_UP_MAX_AGE"]
    live_server.app.config["STEP_UP_MAX_AGE"] = 300
    try:
        _age_the_proof(live_server, SIGNATORY[0])
        _sign(page, es, SIGNATORY[1])
        expect(page.get_by_role("heading", level=1)).to_have_text(es("Confirm it is you"))
        shot(page, "sign-asks-to-confirm")
        page.get_by_label(es("Password")).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=es("Confirm"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(NUMBER)
        _sign(page, es, SIGNATORY[1])
    finally:
        live_server.app.config["STEP_UP_MAX_AGE"] = step_up_max_age
    expect(page.get_by_text(es("Thank you: your signature was recorded."))).to_be_visible()
    expect(page.locator("#agreements")).to_contain_text(es("Signed by the grantee"))
    expect(page.locator("#agreements")).to_contain_text(SIGNATORY[1])
    shot(page, "signed-by-grantee")

    # The grants manager countersigns.
    log_in(page, MANAGER)
    page.goto(award_url)
    page.get_by_role("link", name=es("Review and countersign the agreement")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        es("Countersign agreement %(number)s", number=NUMBER)
    )
    _sign(page, es, manager_name)
    expect(page.get_by_text(es("Thank you: your signature was recorded."))).to_be_visible()
    agreements = page.locator("#agreements")
    expect(agreements).to_contain_text(es("Signed by both parties (in force)"))
    expect(agreements).to_contain_text(manager_name)
    signed = agreements.get_by_role("link", name=es("Signed agreement (PDF)"))
    expect(signed).to_be_visible()
    with page.expect_download() as download:
        signed.click()
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    current_row = agreements.get_by_role("row").filter(has_text=NUMBER)
    href = current_row.get_by_role("link", name=es("Verification page")).get_attribute("href")
    digest = href.rstrip("/").split("/")[-1]
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    shot(page, "countersigned")
    assert any(NUMBER in subject + body for subject, body in mail_to(SIGNATORY[0]))

    # The public verification page, without logging in.
    page.context.clear_cookies()
    page.goto(f"/verify/{digest}?lang=es")
    status = page.get_by_role("status")
    expect(status).to_contain_text(es("This document was issued by the Cofinancia portal."))
    expect(status).to_contain_text(NUMBER)
    expect(status).to_contain_text(es("Signed by both parties (in force)"))
    for personal in (SIGNATORY[1], manager_name, amount, "Justicia Cercana"):
        expect(page.locator("main")).not_to_contain_text(personal)
    shot(page, "verified")
    # The signed PDF file's own hash verifies too; a tampered copy's hash does not.
    page.goto(f"/verify/{hashlib.sha256(pdf).hexdigest()}")
    expect(page.get_by_role("status")).to_contain_text(NUMBER)
    expect(page.get_by_role("status")).to_contain_text(es("the signed PDF file"))
    tampered = pdf.replace(b"%PDF-", b"%PDF-\n% altered\n", 1)
    response = page.goto(f"/verify/{hashlib.sha256(tampered).hexdigest()}")
    assert response.status == 404
    expect(page.get_by_role("status")).to_have_text(
        es("No document with this hash was issued by the portal. The file may have been altered.")
    )
    shot(page, "not-verified")
