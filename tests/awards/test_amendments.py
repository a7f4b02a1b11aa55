"""Amendments (issue 15, first slice): a no-cost extension moves the end date and every
unpaid milestone, never a paid one; the refusals; the moves and their audit entries and
e-mails; a real form post through the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.awards.amendments import operations
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards.amendment_helpers import sign_both
from tests.finance.helpers import active_award
from tests.support.forms import csrf_token

EXTENSION = "no_cost_extension"
NEW_END = date(2028, 4, 30)  # the test grants run 2027-02-01 → 2028-01-31


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


def _draft(award, user, **values):
    values = {"kinds": [EXTENSION], "new_end_date": NEW_END, "justification": "Retraso"} | values
    return operations.create_draft(award, user, **values)


def _submitted(award, user):
    amendment = _draft(award, user)
    operations.submit(amendment, user)
    return amendment


def test_extension_moves_the_end_date_and_unpaid_milestones_only(
    award, personas, outbox, second_manager
):
    paid, unpaid = award.milestones
    paid.status = "paid"  # as finance would have left it
    db.session.flush()
    paid_due, unpaid_due, old_end = paid.due_date, unpaid.due_date, award.end_date
    amendment = _submitted(award, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")

    shift = NEW_END - old_end
    assert amendment.status == "approved"
    assert amendment.decided_by_id == personas["grants_manager"].id
    assert award.end_date == old_end  # approval alone changes nothing: both parties sign first
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert award.end_date == NEW_END
    assert unpaid.due_date == unpaid_due + shift
    assert paid.due_date == paid_due
    unit_of_work.commit()  # audit entries are sealed into the chain at commit
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "award.amended"))
    assert entry.changes["end_date"] == [old_end.isoformat(), NEW_END.isoformat()]
    assert [m[0] for m in entry.changes["shifted_milestones"]] == [unpaid.id]
    sent = [(m.template, m.recipient) for m in outbox() if m.template.startswith("amendment")]
    assert sent == [
        ("amendment_submitted", personas["grants_manager"].email),
        ("amendment_submitted", second_manager.email),
        ("amendment_decided", personas["applicant"].email),
    ]


def test_every_move_is_audited(award, personas):
    amendment = _submitted(award, personas["applicant"])
    operations.decide(
        amendment, personas["grants_manager"], decision="request_changes", reason="Más detalle"
    )
    assert amendment.status == "changes_requested"
    assert amendment.decision_reason == "Más detalle"
    operations.update_draft(
        amendment,
        personas["applicant"],
        kinds=[EXTENSION, "scope"],
        new_end_date=NEW_END,
        scope="Dos municipios más",
        justification="Retraso por lluvias",
    )
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="reject", reason="No")
    unit_of_work.commit()
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "amendment", AuditEntry.object_id == str(amendment.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "amendment.created",
        "amendment.submitted",
        "amendment.changes_requested",
        "amendment.updated",
        "amendment.submitted",
        "amendment.rejected",
    ]
    assert award.end_date == date(2028, 1, 31)  # a rejection changes nothing


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kinds": []}, "kinds"),
        ({"kinds": ["not_a_kind"]}, "kinds"),  # no such kind
        ({"new_end_date": None}, "new_end_date"),
        ({"new_end_date": date(2028, 1, 31)}, "new_end_date"),  # not after the current end
        ({"new_end_date": date(2030, 2, 2)}, "new_end_date"),  # beyond three years
        ({"justification": "   "}, "justification"),
        ({"kinds": ["scope"], "scope": ""}, "scope"),
    ],
)
def test_refusals(award, personas, values, field):
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], **values)
    assert field in refused.value.errors
    assert operations.open_amendment(award) is None


def test_three_years_after_the_start_is_the_limit(award, personas):
    assert _draft(award, personas["applicant"], new_end_date=date(2030, 2, 1)).number == 1


def test_one_open_amendment_at_a_time_and_numbers_per_award(award, personas):
    first = _draft(award, personas["applicant"])
    with pytest.raises(InputError):
        _draft(award, personas["grants_manager"])
    operations.withdraw(first, personas["applicant"])
    second = _draft(award, personas["grants_manager"], new_end_date=NEW_END + timedelta(days=1))
    assert (first.status, second.number, second.started_by_staff) == ("withdrawn", 2, True)


def test_only_active_grants(ctx, call, personas, application):
    from tests.awards.helpers import ready_award

    award = ready_award(application, personas["grants_manager"])  # approved, not active
    with pytest.raises(InputError):
        _draft(award, personas["grants_manager"])


def test_who_may_do_what(award, personas):
    with pytest.raises(InputError):
        _draft(award, personas["finance_officer"])
    amendment = _draft(award, personas["applicant"])
    with pytest.raises(InputError):  # staff do not submit the grantee's draft
        operations.submit(amendment, personas["grants_manager"])
    operations.submit(amendment, personas["applicant"])
    with pytest.raises(InputError):  # nor does the grantee decide
        operations.decide(amendment, personas["applicant"], decision="approve")
    with pytest.raises(InputError) as refused:  # a rejection needs reasons
        operations.decide(amendment, personas["grants_manager"], decision="reject")
    assert "reason" in refused.value.errors
    assert amendment.status == "submitted"


def test_a_staff_amendment_is_submitted_by_staff(award, personas):
    amendment = _draft(award, personas["grants_manager"])
    assert amendment.started_by_staff
    with pytest.raises(InputError):
        operations.submit(amendment, personas["applicant"])
    operations.submit(amendment, personas["grants_manager"])
    assert amendment.status == "submitted"


def test_the_grantee_requests_through_the_form(award, personas, as_user, outbox):
    client = as_user(personas["applicant"])
    page = client.get(f"/awards/{award.id}")
    assert "Request an amendment" in page.get_data(as_text=True)
    url = f"/awards/{award.id}/amendments/new"
    refused = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "kinds": EXTENSION,
            "new_end_date": "2027-12-01",
            "justification": "Retraso",
        },
    )
    assert refused.status_code == 422
    assert "must be after the current end date" in refused.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "kinds": EXTENSION,
            "new_end_date": NEW_END.isoformat(),
            "justification": "Retraso por lluvias",
        },
    )
    assert response.status_code == 302
    amendment = db.session.scalar(select(Amendment).where(Amendment.award_id == award.id))
    assert (amendment.number, amendment.status, amendment.new_end_date) == (1, "draft", NEW_END)
    page = client.get(response.headers["Location"])
    client.post(
        f"/amendments/{amendment.id}/submit",
        data={"csrf_token": csrf_token(client, page.request.path)},
    )
    amendment_id, award_id = amendment.id, award.id
    db.session.expire_all()
    assert db.session.get(Amendment, amendment_id).status == "submitted"

    manager = as_user(personas["grants_manager"])
    home = manager.get("/dashboard").get_data(as_text=True)
    assert "Amendments to review" in home
    decide = f"/amendments/{amendment_id}/decide"
    missing = manager.post(
        decide,
        data={"csrf_token": csrf_token(manager, decide[: -len("/decide")]), "decision": "reject"},
    )
    assert missing.status_code == 422
    done = manager.post(
        decide,
        data={
            "csrf_token": csrf_token(manager, f"/amendments/{amendment.id}"),
            "decision": "approve",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Amendment, amendment_id).status == "approved"
    assert db.session.get(Award, award_id).end_date != NEW_END  # not before both signatures
