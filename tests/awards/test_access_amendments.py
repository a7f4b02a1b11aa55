"""Access matrix for every amendment route (issue 15): the grantee's owner or signatory
drafts, edits, submits and withdraws its amendment; the programme's grants managers (and
administrators) start their own and decide; finance officers read; everybody else: nothing."""

from __future__ import annotations

from datetime import date

import pytest

from portal.awards.amendments import operations
from portal.awards.models import Award
from portal.core.db import db
from tests.finance.helpers import active_award
from tests.support.factories import DEFAULT_PASSWORD

MANAGERS = {"grants_manager", "admin"}
READERS = MANAGERS | {"finance_officer", "applicant"}
DRAFT = {
    "kinds": "no_cost_extension",
    "new_end_date": "2028-04-30",
    "justification": "Retraso por lluvias",
}


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


def test_the_grantees_amendment(matrix, award, personas):
    a = award.id
    matrix.check(f"/awards/{a}", READERS)
    matrix.check(f"/awards/{a}/amendments/new", {"applicant"} | MANAGERS)
    # The applicant drafts it; the managers, asking next, are sent to the open amendment.
    matrix.check(f"/awards/{a}/amendments/new", {"applicant"} | MANAGERS, method="POST", data=DRAFT)
    amendment = operations.open_amendment(award)
    assert amendment is not None and not amendment.started_by_staff
    m = amendment.id
    matrix.check(f"/amendments/{m}", READERS)
    matrix.check(f"/amendments/{m}/edit", {"applicant"})
    matrix.check(f"/amendments/{m}/edit", {"applicant"}, method="POST", data=DRAFT)
    matrix.check(f"/amendments/{m}/submit", {"applicant"}, method="POST")
    # The grants manager returns it for changes; the administrator, asking next, is told it
    # no longer waits for a decision.
    decision = {"decision": "request_changes", "reason": "Detalle el calendario"}
    matrix.check(f"/amendments/{m}/decide", MANAGERS, method="POST", data=decision)
    db.session.expire_all()
    assert operations.open_amendment(award).status == "changes_requested"
    matrix.check(f"/amendments/{m}/withdraw", {"applicant"}, method="POST")
    db.session.expire_all()
    assert operations.open_amendment(award) is None


def test_an_amendment_started_by_staff(ctx, matrix, award, personas):
    amendment = operations.create_draft(
        award,
        personas["grants_manager"],
        kinds=["no_cost_extension"],
        new_end_date=date(2028, 4, 30),
        justification="Solicitud del programa",
    )
    db.session.commit()
    m = amendment.id
    matrix.check(f"/amendments/{m}", READERS)
    matrix.check(f"/amendments/{m}/edit", MANAGERS)
    matrix.check(f"/amendments/{m}/submit", MANAGERS, method="POST")
    matrix.check(f"/amendments/{m}/decide", MANAGERS, method="POST", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(Award, award.id).end_date != date(2028, 4, 30)  # signatures first
    # The document was rendered after the approval's commit: readers download it, the
    # grantee's signatory signs, then a grants manager countersigns.
    matrix.check(f"/amendments/{m}/pdf", READERS)
    matrix.check(f"/amendments/{m}/sign", {"applicant"})
    matrix.check(f"/amendments/{m}/regenerate", MANAGERS, method="POST")

    def signing(persona):
        user = personas.get(persona)
        name = user.full_name if user is not None else ""
        return {"typed_name": name, "accept": "y", "password": DEFAULT_PASSWORD}

    # The applicant signs; the grants manager countersigns; the administrator, last, is told
    # there is nothing left to sign.
    matrix.check(f"/amendments/{m}/sign", {"applicant"} | MANAGERS, method="POST", data_for=signing)
    db.session.expire_all()
    assert db.session.get(Award, award.id).end_date == date(2028, 4, 30)
    matrix.check(f"/amendments/{m}/pdf?signed=1", READERS)


def test_no_amendment_of_a_grant_that_is_not_active(ctx, matrix, application, personas):
    from tests.awards.helpers import ready_award

    award = ready_award(application, personas["grants_manager"])
    matrix.check(f"/awards/{award.id}/amendments/new", set())
