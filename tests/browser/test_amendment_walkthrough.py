"""Walk-through of an amendment (issue 15) with the demo accounts, in Spanish.

The grantee's signatory (direccion@justiciacercana.example) requests a three-month no-cost
extension of the active demo grant CONV-2025-01-0902 (one milestone paid, one not) and submits
it; the grants manager opens it from his home page task and approves it (nothing moves yet);
the signatory signs the amendment document from her home page task, the manager countersigns
from his; only then the grant's end date and its unpaid milestone move by the same number of
days, the paid one stays; /verify/<hash> of the signed amendment shows the chain (agreement,
amendment 1 current, both intact). The same request moves a fifth of the award between two
budget categories: above the free threshold, so it goes the same way (approval, both
signatures), and the grant's budget changes only with the countersignature.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

REFERENCE = "CONV-2025-01-0902"
APPLICANT = "direccion@justiciacercana.example"
MANAGER = "gestor@cofinancia.example"


def _grant(live_server) -> tuple[int, date, dict]:
    """The award's id, end date and its milestones' (status, due date) by id."""
    from sqlalchemy import select

    from portal.applications.models import Application
    from portal.awards.models import Award
    from portal.core.db import db

    with live_server.app.app_context():
        award = db.session.scalar(
            select(Award).join(Application).where(Application.reference == REFERENCE)
        )
        found = (
            award.id,
            award.end_date,
            {m.id: (m.status, m.due_date) for m in award.milestones},
        )
        db.session.remove()
    return found


def _budget(live_server, award_id: int) -> tuple[dict, object]:
    from portal.awards.amendments.budget import budget_of
    from portal.awards.models import Award
    from portal.core.db import db

    with live_server.app.app_context():
        award = db.session.get(Award, award_id)
        found = (budget_of(award), award.amount)
        db.session.remove()
    return found


def _moved(current: dict, amount) -> dict:
    """A fifth of the award from the largest category to the smallest (the total kept; a
    mismatched budget is first set to the award amount in the largest category)."""
    largest = max(current, key=current.get)
    smallest = min(current, key=current.get)
    new = dict.fromkeys(current, 0) | {largest: amount}
    if sum(current.values()) == amount:
        new = dict(current)
    step = (amount / 5).quantize(amount)
    return new | {largest: new[largest] - step, smallest: new[smallest] + step}


def test_three_month_extension_requested_and_approved(live_server, page, es, shot):
    award_id, old_end, milestones = _grant(live_server)
    old_budget, award_amount = _budget(live_server, award_id)
    new_budget = _moved(old_budget, award_amount)
    assert {status for status, _due in milestones.values()} == {"paid", "planned"}
    new_end = date(old_end.year + (old_end.month + 2) // 12, (old_end.month + 2) % 12 + 1, 30)

    log_in(page, APPLICANT)
    page.goto(f"/awards/{award_id}")
    amendments = page.locator("#amendments")
    expect(amendments.get_by_role("heading", name=es("Amendments"))).to_be_visible()
    amendments.get_by_role("link", name=es("Request an amendment")).click()
    page.get_by_label(es("No-cost extension")).check()
    page.get_by_label(es("New end date")).fill(new_end.isoformat())
    page.get_by_label(es("Budget realignment")).check()
    for category, value in new_budget.items():
        page.locator(f'input[name="budget_{category}"]').fill(str(value))
    page.get_by_label(es("Justification")).fill(
        "Las lluvias de septiembre suspendieron las sesiones seis semanas."
    )
    shot(page, "request-form")
    page.get_by_role("button", name=es("Save the draft")).click()
    expect(
        page.get_by_text(es("The amendment was saved as a draft. Submit it when it is ready."))
    ).to_be_visible()
    page.get_by_role("button", name=es("Submit the amendment")).click()
    expect(
        page.get_by_text(es("The amendment was submitted to the programme's grants managers."))
    ).to_be_visible()
    expect(page.locator("dd[data-amendment-status]")).to_have_text(es("Submitted for review"))
    expect(page.locator("[data-amendment-warning]").first).to_contain_text("%")
    shot(page, "submitted")

    log_in(page, MANAGER)
    group = page.locator("#task-amendments")
    expect(group.get_by_role("heading", name=es("Amendments to review"))).to_be_visible()
    item = group.locator(".list-group-item", has_text=REFERENCE)
    shot(page, "manager-home")
    item.get_by_role("link", name=re.compile(re.escape(es("Review the amendment")))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    page.get_by_label(es("Approve: both parties then sign the amendment document")).check()
    page.get_by_role("button", name=es("Record the decision")).click()
    expect(
        page.get_by_text(
            es(
                "The amendment was approved. Its document is being generated for both parties "
                "to sign; the change takes effect with the countersignature."
            )
        )
    ).to_be_visible()
    expect(page.locator("dd[data-amendment-status]")).to_have_text(
        es("Approved: waiting for signatures")
    )
    shot(page, "approved")
    assert _grant(live_server)[1] == old_end  # approval alone changes nothing
    assert _budget(live_server, award_id)[0] == old_budget

    _sign_from_home(
        live_server, page, es, APPLICANT, "task-amendments_to_sign", "Sign the amendment"
    )
    expect(page.locator("dd[data-amendment-status]")).to_have_text(es("Signed by the grantee"))
    shot(page, "signed-by-grantee")
    _sign_from_home(
        live_server,
        page,
        es,
        MANAGER,
        "task-amendments_to_countersign",
        "Countersign the amendment",
    )
    expect(page.locator("dd[data-amendment-status]")).to_have_text(es("In effect"))
    shot(page, "in-effect")

    _id, end, after = _grant(live_server)
    shift = new_end - old_end
    assert end == new_end
    for milestone_id, (status, due) in milestones.items():
        expected = due if status == "paid" else due + shift
        assert after[milestone_id][1] == expected, (status, due, after[milestone_id])
    assert shift > timedelta(days=80)
    assert _budget(live_server, award_id)[0] == new_budget

    page.goto(f"/finance/grants/{award_id}")
    expect(page.locator("#amendments td[data-amendment-status]").first).to_have_text(
        es("In effect")
    )
    expect(page.locator("#amendments table[data-versions]")).to_be_visible()
    shot(page, "finance-grant")

    # The signed amendment's hash: the public page shows the chain, both links intact.
    page.goto(f"/awards/{award_id}")
    page.locator("#amendments").get_by_role("link", name=es("Verification page")).first.click()
    chain = page.locator("table[data-chain]")
    expect(chain.locator("tbody tr")).to_have_count(2)
    expect(chain.locator('td[data-link-verified="yes"]')).to_have_count(2)
    expect(chain.locator("tbody tr").nth(1).locator("[data-current]")).to_be_visible()
    shot(page, "verify-chain")


def _full_name(live_server, email: str) -> str:
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.core.db import db

    with live_server.app.app_context():
        name = db.session.scalar(select(User.full_name).where(User.email == email))
        db.session.remove()
    return name


def _sign_from_home(live_server, page, es, email: str, group_id: str, action: str) -> None:
    """Log in, open the amendment from the home page task and sign it (name, accept, password)."""
    from portal.demo.data import DEMO_PASSWORD

    log_in(page, email)
    group = page.locator(f"#{group_id}")
    item = group.locator(".list-group-item", has_text=REFERENCE)
    item.get_by_role("link", name=re.compile(re.escape(es(action)))).click()
    page.locator("#document").get_by_role("link", name=es(action)).click()
    page.get_by_label(es("Your full name")).fill(_full_name(live_server, email))
    page.get_by_label(
        es("I have read the agreement and accept it on behalf of the party I represent.")
    ).check()
    page.get_by_label(es("Your password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=es("Sign"), exact=True).click()
    expect(page.get_by_text(es("Thank you: your signature was recorded."))).to_be_visible()
