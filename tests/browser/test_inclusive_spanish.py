"""Rosa, reviewer and panel chair, reads the portal in Spanish: nothing addresses her in the
masculine (issue 20).

Signed in as ``revisora1@cofinancia.example`` she clicks through her home page, her
assignments, a declaration of no conflict and the review form it opens, a declaration of a
conflict (the recusal), the consensus page of the panel she chairs, an application she has
reviewed, and her account, security, sessions and passkeys pages. On every page the visible
text must hold none of the masculine-only forms below nor any retired variant of the glossary
(portal/translations/glossary.tsv).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support import glossary
from tests.support.browser import add_closed_call, log_in

pytestmark = pytest.mark.browser

ROSA = "revisora1@cofinancia.example"
CODE = "CONV-2026-20"
DEMO_CODE = "CONV-2026-01"  # the demo call whose panel she chairs and has reviewed for
# Forms that would address Rosa (or name her role) in the masculine.
MASCULINE = (
    "Bienvenido",
    "Evaluador",
    "evaluadores",
    "el evaluador",
    "excusado",
    "propietario",
    "designado",
    "Presidente",
    "Estimado",
    "lo designe",
    "acreedor",
    "revisor",
    "interesado",
)


def _prepare(live_server) -> list[str]:
    """A closed call of the demo programme with two applications assigned to Rosa, undeclared."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.core.db import db
    from portal.organisations.models import Organisation
    from tests.reviews.helpers import assign, make_application, make_panel, make_rubric

    with live_server.app.test_request_context("/"):
        call = add_closed_call(
            CODE,
            title_es="Justicia restaurativa 2026",
            title_en="Restorative justice 2026",
            budget="2000000",
            max_award="500000",
        )
        users = {u.email: u for u in db.session.scalars(select(User))}
        rosa, daniel = users[ROSA], users["revisor2@cofinancia.example"]
        organisation = db.session.scalar(select(Organisation).filter_by(rfc="JCE150312LT4"))
        creator = users["direccion@justiciacercana.example"]
        make_rubric(call)
        make_panel(call, [rosa, daniel], chair=rosa)
        references = []
        for title in ("Círculos restaurativos en Apodaca", "Mediación penal en Escobedo"):
            application = make_application(call, organisation, creator, title=title)
            assign(application, rosa)
            references.append(application.reference)
        db.session.remove()
    return references


def _check(page, checked: list[str]) -> str:
    """The visible text of the page, asserted free of masculine-only and retired forms."""
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    where = page.url.split("?", 1)[0]
    masculine = [w for w in MASCULINE if re.search(rf"\b{w}\b", text, re.IGNORECASE)]
    rules, allowed = glossary.load_rules(), glossary.load_exceptions()
    retired = [str(h) for h in glossary.find(text, where, rules, allowed)]
    assert not masculine and not retired, f"{where}: {masculine} {retired}"
    checked.append(where)
    return text


def test_a_reviewer_is_never_addressed_in_the_masculine(page, live_server, es, shot):
    first, second = _prepare(live_server)
    checked: list[str] = []
    log_in(page, ROSA)

    # Home page: her roles, in the inclusive form.
    text = _check(page, checked)
    assert es("Your roles:") in text and es("Reviewer") == "Persona evaluadora"
    expect(page.locator("main .badge", has_text="Persona evaluadora")).to_be_visible()
    shot(page, "home")

    # Her assignments, then a declaration of no conflict and the review form it opens.
    page.get_by_role("link", name=es("My assignments")).first.click()
    _check(page, checked)
    page.get_by_role("link", name=es("Open %(ref)s", ref=first)).click()
    _check(page, checked)
    page.get_by_label(es("I have no conflict of interest with this application")).check()
    page.get_by_role("button", name=es("Record my declaration")).click()
    expect(page.get_by_role("button", name=es("Save draft"))).to_be_visible()
    _check(page, checked)
    shot(page, "review-form")

    # A conflict of interest: the recusal is told without a gendered participle.
    page.get_by_role("link", name=es("My assignments")).first.click()
    page.get_by_role("link", name=es("Open %(ref)s", ref=second)).click()
    page.get_by_label(es("I have a conflict of interest and recuse myself")).check()
    page.get_by_label(es("Describe the conflict (required if you have one)")).fill(
        "Colaboré con la organización el año pasado."
    )
    page.get_by_role("button", name=es("Record my declaration")).click()
    expect(
        page.get_by_text(
            es("Your conflict of interest is recorded: you are recused from this application.")
        )
    ).to_be_visible()
    _check(page, checked)
    page.get_by_role("link", name=es("My assignments")).first.click()
    expect(page.get_by_text(es("Recused"), exact=True)).to_be_visible()
    _check(page, checked)
    shot(page, "recused")

    # The panel she chairs, and an application of the demo call she has reviewed.
    page.get_by_role("link", name=es("Consensus of %(code)s", code=DEMO_CODE)).click()
    _check(page, checked)
    page.get_by_role("link", name=es("My assignments")).first.click()
    demo_row = page.locator("tr", has_text=DEMO_CODE).first
    demo_row.get_by_role("link").first.click()
    _check(page, checked)

    # Her account: profile, security, sessions, passkeys.
    page.goto(page.locator("a.dropdown-item", has_text=es("My account")).get_attribute("href"))
    _check(page, checked)
    for link in (
        "Second factor and recovery codes",
        "Your sessions",
        "Passkeys and security keys",
    ):
        page.get_by_role("link", name=es(link)).first.click()
        _check(page, checked)
        page.get_by_role("link", name=es("My account")).first.click()
    shot(page, "account")
    assert len(set(checked)) >= 9, checked
