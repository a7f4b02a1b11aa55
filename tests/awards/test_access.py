"""Access matrix for every route of the awards blueprint."""

from __future__ import annotations

from portal.awards import operations
from portal.awards.models import Agreement
from portal.core import unit_of_work
from portal.core.db import db
from tests.awards import helpers

MANAGERS = {"grants_manager", "admin"}
READERS = MANAGERS | {"finance_officer", "applicant"}


def _world(application, personas):
    award = helpers.ready_award(application, personas["grants_manager"])
    agreement = operations.issue_agreement(award, personas["grants_manager"])
    unit_of_work.commit()  # as the request would: the PDF is rendered after the commit
    return award, agreement


def test_award_pages(ctx, matrix, application, personas):
    award, agreement = _world(application, personas)
    a = award.id
    matrix.check(f"/awards/{a}", READERS)
    matrix.check(f"/agreements/{agreement.id}/pdf", READERS)
    for page in ("terms", "risk", "milestones"):
        matrix.check(f"/awards/{a}/{page}", MANAGERS)
    matrix.check(f"/awards/calls/{application.call.code}", MANAGERS)
    matrix.check(f"/awards/applications/{application.id}/decide", MANAGERS)
    matrix.check("/awards/clauses", MANAGERS)
    matrix.check(f"/agreements/{agreement.id}/sign", {"applicant"})
    matrix.check(f"/verify/{agreement.content_hash}", set(matrix_personas()))
    matrix.check("/verify", set(matrix_personas()))


def matrix_personas():
    from tests.support.matrix import PERSONAS

    return PERSONAS


def test_award_posts(ctx, matrix, application, personas):
    award, agreement = _world(application, personas)
    a = award.id
    milestone = award.milestones[0]
    commitment = award.commitments[0]
    # Each POST is allowed for managers only; refusals change nothing.
    matrix.check(f"/awards/{a}/risk/accept", MANAGERS, method="POST")
    matrix.check(f"/awards/{a}/issue", MANAGERS, method="POST")
    matrix.check(f"/awards/{a}/approve", MANAGERS, method="POST")
    matrix.check(f"/awards/{a}/refuse", MANAGERS, method="POST", data={"reason": "no"})
    terms = {
        "instrument": "fixed_amount",
        # 20.00 above the schedule: room for the two milestones of 10.00 posted below (a
        # milestone that makes the schedule exceed the award is refused).
        "amount": "300020.00",
        "start_date": "2027-02-01",
        "end_date": "2028-01-31",
        "special_conditions": "Ninguna",
    }
    matrix.check(f"/awards/{a}/terms", MANAGERS, method="POST", data=terms)
    commitment_data = {
        "c-contributor_name": "Empresa",
        "c-nature": "cash",
        "c-counts_as": "leverage",
        "c-amount": "1000.00",
    }
    matrix.check(f"/awards/{a}/commitments", MANAGERS, method="POST", data=commitment_data)
    milestone_data = {
        "deliverable": "D",
        "verification": "V",
        "due_date": "2027-05-01",
        "amount": "10.00",
    }
    matrix.check(f"/awards/{a}/milestones", MANAGERS, method="POST", data=milestone_data)
    # Deleting: the grants manager (asked before the admin) removes the row; the admin then
    # gets a 404 for the row that no longer exists.
    matrix.check(f"/awards/{a}/milestones/{milestone.id}/delete", {"grants_manager"}, method="POST")
    matrix.check(
        f"/awards/{a}/commitments/{commitment.id}/delete", {"grants_manager"}, method="POST"
    )
    from portal.awards.clauses import clauses

    clause = clauses()[0]
    db.session.commit()
    matrix.check(f"/awards/clauses/{clause.id}", MANAGERS)
    clause_data = {
        "title_es": "Objeto",
        "title_en": "Purpose",
        "body_es": "Texto",
        "body_en": "Text",
    }
    matrix.check(f"/awards/clauses/{clause.id}", MANAGERS, method="POST", data=clause_data)
    matrix.check("/awards/clauses/defaults", MANAGERS, method="POST")
    assert db.session.get(Agreement, agreement.id) is not None


def test_decline_letter_access_and_content(ctx, matrix, call, personas, outbox):
    application = helpers.recommended_application(
        call, personas["org_a"], personas["applicant"], status="not_recommended"
    )
    operations.decide(
        application, personas["grants_manager"], decision="decline", justification="Puntaje bajo"
    )
    unit_of_work.commit()  # as the request would: the letter is generated after the commit
    assert application.status == "declined"
    url = f"/awards/applications/{application.id}/decline-letter"
    matrix.check(url, {"applicant", "grants_manager", "admin"})
    response = matrix.client("applicant").get(url)
    text = helpers.flat_text(response.data)
    assert application.reference in text and "not selected for funding" in text
    assert any(application.reference in m.subject for m in outbox(personas["applicant"].email))
