"""Walk-through of an amendment (issue 15, first slice) with the demo accounts, in Spanish.

The grantee's signatory (direccion@justiciacercana.example) requests a three-month no-cost
extension of the active demo grant CONV-2025-01-0902 (one milestone paid, one not) and submits
it; the grants manager opens it from his home page task and approves it; the grant's end date
and its unpaid milestone move by the same number of days, the paid one stays.
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


def test_three_month_extension_requested_and_approved(live_server, page, es, shot):
    award_id, old_end, milestones = _grant(live_server)
    assert {status for status, _due in milestones.values()} == {"paid", "planned"}
    new_end = date(old_end.year + (old_end.month + 2) // 12, (old_end.month + 2) % 12 + 1, 30)

    log_in(page, APPLICANT)
    page.goto(f"/awards/{award_id}")
    amendments = page.locator("#amendments")
    expect(amendments.get_by_role("heading", name=es("Amendments"))).to_be_visible()
    amendments.get_by_role("link", name=es("Request an amendment")).click()
    page.get_by_label(es("No-cost extension")).check()
    page.get_by_label(es("New end date")).fill(new_end.isoformat())
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
    shot(page, "submitted")

    log_in(page, MANAGER)
    group = page.locator("#task-amendments")
    expect(group.get_by_role("heading", name=es("Amendments to review"))).to_be_visible()
    item = group.locator(".list-group-item", has_text=REFERENCE)
    shot(page, "manager-home")
    item.get_by_role("link", name=re.compile(re.escape(es("Review the amendment")))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(REFERENCE)
    page.get_by_label(es("Approve: the change takes effect now")).check()
    page.get_by_role("button", name=es("Record the decision")).click()
    expect(page.get_by_text(es("The amendment was approved and is now in effect."))).to_be_visible()
    expect(page.locator("dd[data-amendment-status]")).to_have_text(es("Approved (in effect)"))
    shot(page, "approved")

    _id, end, after = _grant(live_server)
    shift = new_end - old_end
    assert end == new_end
    for milestone_id, (status, due) in milestones.items():
        expected = due if status == "paid" else due + shift
        assert after[milestone_id][1] == expected, (status, due, after[milestone_id])
    assert shift > timedelta(days=80)

    page.goto(f"/finance/grants/{award_id}")
    expect(page.locator("#amendments td[data-amendment-status]").first).to_have_text(
        es("Approved (in effect)")
    )
    shot(page, "finance-grant")
