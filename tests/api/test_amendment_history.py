"""An award's amendments in the API (issue 15): submitted ones only, oldest first, with the
end date and amount before and after; the award's own fields are the version in effect."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect

from portal.awards.amendments import operations
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.core.db import db
from tests.awards.amendment_helpers import sign_both


def test_the_award_lists_its_amendments(world, api, personas):
    award = db.session.get(Award, inspect(world["award_a"]).identity[0])
    applicant, manager = personas["applicant"], personas["grants_manager"]
    old_end = award.end_date
    new_end = old_end + timedelta(days=91)
    draft = operations.create_draft(
        award, applicant, kinds=["scope"], scope="Otra sede", justification="Demanda"
    )
    db.session.commit()
    award_id, draft_id = award.id, draft.id
    data = api(applicant).get(f"/api/v1/awards/{award_id}").get_json()["data"]
    assert data["amendments"] == []  # a draft is the drafter's business
    award = db.session.get(Award, award_id)
    operations.withdraw(db.session.get(Amendment, draft_id), applicant)
    amendment = operations.create_draft(
        award, applicant, kinds=["no_cost_extension"], new_end_date=new_end, justification="Lluvias"
    )
    operations.submit(amendment, applicant)
    operations.decide(amendment, manager, decision="approve")
    sign_both(amendment, applicant, manager)

    data = api(applicant).get(f"/api/v1/awards/{award_id}").get_json()["data"]
    [entry] = data["amendments"]
    assert entry["number"] == 2 and entry["status"] == "in_effect"
    assert entry["kinds"] == ["no_cost_extension"]
    assert (entry["end_date_before"], entry["end_date_after"]) == (
        old_end.isoformat(),
        new_end.isoformat(),
    )
    assert entry["amount_before"] is None and entry["amount_after"] is None
    assert data["end_date"] == new_end.isoformat()  # the award is the version in effect
    listed = api(manager).get("/api/v1/awards").get_json()["data"]
    assert [a["amendments"] for a in listed if a["id"] == award_id] == [data["amendments"]]
    other = api(personas["other_applicant"]).get("/api/v1/awards").get_json()["data"]
    assert award_id not in {a["id"] for a in other}
