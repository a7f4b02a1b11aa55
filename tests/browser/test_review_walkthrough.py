"""Walk-through of the evaluation (issue 5) in the browser, in Spanish, with the demo accounts.

On a call of its own (CONV-2026-09, closed, with four submitted applications written straight
into the live database so the walk-through does not depend on the other walk-throughs): the
grants manager screens (three pass, one is screened out with reasons), builds the rubric and
the panel, assigns automatically; the first reviewer declares no conflict, scores and submits;
the second reviewer scores one application very differently and the disagreement is flagged;
the chair records the consensus; the ranking shows the order with the tie broken by the named
criterion and exports CSV and XLSX; the grants manager records the decision and the applicant
reads the evaluation summary.
"""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import add_closed_call, log_in

pytestmark = pytest.mark.browser

CODE = "CONV-2026-09"
MANAGER = "gestor@cofinancia.example"
FIRST = ("revisora1@cofinancia.example", "Rosa Isela Vázquez Lara")
SECOND = ("revisor2@cofinancia.example", "Daniel Harrington")
APPLICANT = "direccion@justiciacercana.example"
TITLES = {
    "jc1": "Mediación escolar en Guadalupe",
    "jc2": "Defensoría comunitaria en Escobedo",
    "jc3": "Justicia de proximidad en San Nicolás",
    "ms": "Arbitraje empresarial en Hermosillo",
}
CRITERIA = ("Pertinencia", "Viabilidad", "Sostenibilidad")
# Scores per reviewer (equal weights): jc1 80 with 5 on Pertinencia, jc2 80 with 4 → the
# named criterion breaks the tie; jc3: 93.33 vs 46.67 → flagged; consensus 4/5/4 → 86.67.
SCORES = {
    FIRST: {"jc1": ("5", "4", "3"), "jc2": ("4", "4", "4"), "jc3": ("5", "5", "4")},
    SECOND: {"jc1": ("5", "4", "3"), "jc2": ("4", "4", "4"), "jc3": ("2", "2", "3")},
}


def _prepare(live_server) -> dict:
    """The call (on the demo programme) and its four submitted applications."""
    from sqlalchemy import select

    from portal.core.db import db
    from portal.organisations.models import Organisation
    from tests.reviews.helpers import make_application

    with live_server.app.test_request_context("/"):
        call = add_closed_call(
            CODE,
            title_es="Justicia de proximidad 2026",
            title_en="Proximity justice 2026",
            budget="3000000",
            max_award="600000",
        )
        orgs = {o.rfc: o for o in db.session.scalars(select(Organisation))}
        jc, ms = orgs["JCE150312LT4"], orgs["MSD180620K7A"]
        owners = {o.id: o.created_by_id for o in (jc, ms)}
        from portal.accounts.models import User

        made = {}
        for key, title in TITLES.items():
            org = ms if key == "ms" else jc
            creator = db.session.get(User, owners[org.id])
            app = make_application(
                call,
                org,
                creator,
                status="submitted",
                title=title,
                answers={"summary": f"Resumen: {title}."},
            )
            made[key] = (app.id, app.reference)
        db.session.remove()
    return made


def _screen(page, es, reference: str, outcome: str, reasons=(), note: str = "") -> None:
    page.goto(f"/calls/{CODE}/screening")
    page.get_by_role("link", name=es("Screen %(ref)s", ref=reference)).click()
    page.get_by_label(outcome).check()
    for reason in reasons:
        page.get_by_label(reason).check()
    if note:
        page.get_by_label(es("Explanation or question for the applicant")).fill(note)
    page.get_by_role("button", name=es("Record the decision")).click()
    expect(page.get_by_text(es("The screening decision is recorded."))).to_be_visible()


def _add_criterion(page, es, title: str, minimum: str = "") -> None:
    page.get_by_role("link", name=es("Add a criterion")).click()
    page.get_by_label(es("Title (Spanish)")).fill(title)
    page.get_by_label(es("Title (English)")).fill(f"{title} (EN)")
    page.get_by_label(es("Weight")).fill("30")
    page.get_by_label(es("Maximum score")).fill("5")
    page.get_by_label(es("Minimum score to pass this criterion (optional)")).fill(minimum)
    page.get_by_role("button", name=es("Save the criterion")).click()
    expect(page.get_by_text(es("The criterion is added."))).to_be_visible()


def _review(page, es, reference: str, scores, submit: bool = True) -> None:
    page.goto("/reviews/")
    page.get_by_role("link", name=es("Open %(ref)s", ref=reference)).click()
    page.get_by_label(es("I have no conflict of interest with this application")).check()
    page.get_by_role("button", name=es("Record my declaration")).click()
    expect(
        page.get_by_text(es("Thank you. You can now read and score the application."))
    ).to_be_visible()
    for title, score in zip(CRITERIA, scores, strict=True):
        group = page.get_by_role("group", name=re.compile("^" + title))
        group.get_by_label(es("Score (0–%(max)s)", max="5")).fill(score)
    page.get_by_role("button", name=es("Submit the review")).click()
    expect(page.get_by_text(es("Your review is submitted. Thank you."))).to_be_visible()


def test_screen_build_assign_review_consensus_rank_and_feedback(
    page, shot, es, live_server, mail_to
):
    apps = _prepare(live_server)
    ref = {k: v[1] for k, v in apps.items()}

    # Grants manager: the call page leads to the evaluation.
    log_in(page, MANAGER)
    page.goto(f"/calls/{CODE}")
    page.get_by_role("link", name=es("Open the evaluation of this call")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(es("Evaluation"))
    shot(page, "evaluation-overview")

    # Screening: three pass, one is screened out with reasons.
    for key in ("jc1", "jc2", "jc3"):
        _screen(page, es, ref[key], es("Passes screening: send to review"))
    _screen(
        page,
        es,
        ref["ms"],
        es("Fails screening: screen out"),
        reasons=[es("The applicant type is not eligible for this call")],
        note="La convocatoria es sólo para organizaciones civiles.",
    )
    shot(page, "screened")
    (subject, body) = mail_to("direccion@mediasonora.example")[-1]
    assert ref["ms"] in subject and "sólo para organizaciones civiles" in body

    # Rubric: three criteria, thresholds and the tie-break on the first one.
    page.goto(f"/calls/{CODE}/rubric")
    _add_criterion(page, es, CRITERIA[0], minimum="3")
    _add_criterion(page, es, CRITERIA[1])
    _add_criterion(page, es, CRITERIA[2])
    page.get_by_label(es("Overall threshold (weighted total on 100)")).fill("50")
    page.get_by_label(es("Ties: first compare the score on this criterion")).select_option(
        label=CRITERIA[0]
    )
    page.get_by_role("button", name=es("Save the settings")).click()
    expect(page.get_by_text(es("The rubric settings are saved."))).to_be_visible()
    shot(page, "rubric")

    # Panel: the two demo reviewers, two per application, the first one chairs.
    page.goto(f"/calls/{CODE}/panel")
    for email, name in (FIRST, SECOND):
        page.get_by_label(es("Reviewer"), exact=True).select_option(label=f"{name} <{email}>")
        page.get_by_role("button", name=es("Add to the panel"), exact=True).click()
        expect(page.get_by_text(es("The reviewer is on the panel."))).to_be_visible()
    page.get_by_label(es("Reviewers per application")).fill("2")
    page.get_by_label(es("Chair of the panel")).select_option(label=FIRST[1])
    page.get_by_role("button", name=es("Save the settings")).click()
    expect(page.get_by_text(es("The panel settings are saved."))).to_be_visible()
    shot(page, "panel")

    # Automatic assignment: three applications × two reviewers.
    page.goto(f"/calls/{CODE}/assignments")
    page.get_by_role("button", name=es("Assign automatically")).click()
    expect(page.get_by_text(es("%(n)s assignment(s) made.", n=6))).to_be_visible()
    shot(page, "assigned")

    # The published rubric on the public call page.
    page.goto(f"/calls/{CODE}")
    expect(page.get_by_role("heading", name=es("How applications are evaluated"))).to_be_visible()

    # First reviewer: declaration, blind reading, scores.
    log_in(page, FIRST[0])
    page.goto("/reviews/")
    page.get_by_role("link", name=es("Open %(ref)s", ref=ref["jc1"])).click()
    expect(page.get_by_role("heading", name=es("Conflict of interest"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Resumen: ")
    shot(page, "declaration")
    for key in ("jc1", "jc2", "jc3"):
        _review(page, es, ref[key], SCORES[FIRST][key])
    expect(page.locator("main")).to_contain_text(f"Resumen: {TITLES['jc3']}.")
    expect(page.locator("main")).not_to_contain_text("Justicia Cercana")  # blind panel
    shot(page, "review-submitted")

    # Second reviewer disagrees on jc3.
    log_in(page, SECOND[0])
    for key in ("jc1", "jc2", "jc3"):
        _review(page, es, ref[key], SCORES[SECOND][key])

    # The chair sees the disagreement and records the consensus.
    log_in(page, FIRST[0])
    page.goto("/reviews/")
    page.get_by_role("link", name=es("Consensus of %(code)s", code=CODE)).click()
    row = page.get_by_role("row").filter(has_text=ref["jc3"])
    expect(row).to_contain_text(es("Reviewers disagree"))
    expect(page.get_by_role("row").filter(has_text=ref["jc1"])).not_to_contain_text(
        es("Reviewers disagree")
    )
    shot(page, "disagreement")
    page.get_by_role("link", name=ref["jc3"]).click()
    for title, score in zip(CRITERIA, ("4", "5", "4"), strict=True):
        group = page.get_by_role("group", name=re.compile("^" + title))
        group.get_by_label(es("Agreed score (0–%(max)s)", max="5")).fill(score)
    page.get_by_label(es("Consensus summary (shown to the applicant)")).fill(
        "Proyecto pertinente y viable; el panel acordó las puntuaciones tras discutirlas."
    )
    page.get_by_label(es("Minority views (not shown to the applicant)")).fill("Un revisor dudó.")
    page.get_by_role("button", name=es("Record the consensus")).click()
    expect(page.get_by_text(es("The consensus is recorded."))).to_be_visible()
    shot(page, "consensus")

    # Ranking: consensus first, then the 80-point tie broken by the named criterion.
    log_in(page, MANAGER)
    page.goto(f"/calls/{CODE}/ranking")
    rows = page.locator("table.ranking").first.locator("tbody tr")
    expect(rows).to_have_count(3)
    for position, key in enumerate(("jc3", "jc1", "jc2")):
        expect(rows.nth(position)).to_contain_text(ref[key])
    tie = es("Tie broken by the score on “%(c)s”.", c=CRITERIA[0])
    expect(rows.nth(1)).to_contain_text(tie)
    expect(rows.nth(0)).to_contain_text("86.67")
    shot(page, "ranking")
    with page.expect_download() as download:
        page.get_by_role("link", name=es("Export CSV")).click()
    path = download.value.path()
    with open(path, encoding="utf-8-sig") as handle:
        exported = list(csv.DictReader(handle))
    assert [r["reference"] for r in exported if r["group"] == "ranked"] == [
        ref["jc3"],
        ref["jc1"],
        ref["jc2"],
    ]
    assert exported[0]["c1_consensus"] == "4.0" and exported[1]["tie_broken_by"] == "criterion"
    with page.expect_download() as download:
        page.get_by_role("link", name=es("Export XLSX")).click()
    assert download.value.suggested_filename == f"{CODE}-ranking.xlsx"

    # Decision on jc3; the applicant reads the summary (never the reviewers).
    rows.nth(0).get_by_role("link", name=ref["jc3"]).click()
    page.get_by_label(es("Recommended"), exact=True).check()
    page.get_by_role("button", name=es("Record the decision")).click()
    expect(
        page.get_by_text(
            es("The decision is recorded; the applicant can read the evaluation summary.")
        )
    ).to_be_visible()

    log_in(page, APPLICANT)
    page.goto(f"/applications/{apps['jc3'][0]}")
    page.get_by_role("link", name=es("Read the evaluation summary")).click()
    main = page.locator("main")
    expect(main).to_contain_text("el panel acordó las puntuaciones")
    expect(main).to_contain_text("86.67")
    for hidden in (FIRST[1], SECOND[1], "Un revisor dudó."):
        expect(main).not_to_contain_text(hidden)
    shot(page, "evaluation-summary")
