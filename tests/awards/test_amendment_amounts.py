"""Amendments that change the award amount (issue 15): an increase passes the budget guard and,
above the threshold, a second grants manager; a decrease never goes below what is paid and
committed in payment requests; a fixed amount award changes its schedule with it; the effect;
the form; two increases at once on PostgreSQL never over-commit the call."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEntry
from portal.awards.amendments import operations
from portal.awards.amendments.kinds import amount as amount_kind
from portal.awards.budget_guard import BudgetExceededError
from portal.awards.models import Award
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards.amendment_helpers import sign_as, sign_both
from tests.finance.helpers import active_award, approved_request
from tests.support.committed import committed_call, remove_committed_call
from tests.support.forms import csrf_token

AMOUNT, MILESTONES = "amount", "milestones"


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


def _rows(award, *amounts):
    """Form rows keeping every planned milestone, with new amounts."""
    planned = [m for m in award.milestones if m.status == "planned"]
    return [
        {
            "milestone_id": str(m.id),
            "deliverable": m.deliverable,
            "verification": m.verification,
            "due_date": m.due_date,
            "amount": Decimal(a),
            "remove": False,
        }
        for m, a in zip(planned, amounts, strict=True)
    ]


def _draft(award, user, new_amount, *amounts, **values):
    values = {
        "kinds": [AMOUNT, MILESTONES],
        "new_amount": Decimal(new_amount),
        "milestone_rows": _rows(award, *amounts),
        "justification": "Ampliación",
    } | values
    return operations.create_draft(award, user, **values)


def _submitted(award, user, new_amount, *amounts):
    amendment = _draft(award, user, new_amount, *amounts)
    operations.submit(amendment, user)
    return amendment


def _actions(amendment):
    unit_of_work.commit()
    return db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "amendment", AuditEntry.object_id == str(amendment.id))
        .order_by(AuditEntry.id)
    ).all()


def test_an_increase_below_the_threshold_takes_effect_at_once(award, personas):
    first, second = award.milestones
    amendment = _submitted(award, personas["applicant"], "400000.00", "150000.00", "250000.00")
    assert not amount_kind.needs_second_approval(amendment)
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert amendment.status == "approved"
    assert award.amount == Decimal("300000.00")  # nothing changes before both signatures
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert award.amount == Decimal("400000.00")
    assert (first.amount, second.amount) == (Decimal("150000.00"), Decimal("250000.00"))
    assert award.scheduled_total == award.amount
    unit_of_work.commit()  # audit entries are sealed into the chain at commit
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "award.amended"))
    assert entry.changes["amount"] == ["300000.00", "400000.00"]


def test_an_increase_above_the_threshold_needs_another_manager(
    app, award, personas, second_manager, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "AWARD_SECOND_APPROVAL_THRESHOLD", 350000)
    manager = personas["grants_manager"]
    amendment = _submitted(award, personas["applicant"], "400000.00", "200000.00", "200000.00")
    operations.decide(amendment, manager, decision="approve")
    assert amendment.status == "pending_second_approval"
    assert amendment.first_approved_by_id == manager.id
    assert award.amount == Decimal("300000.00")  # nothing changes yet
    with pytest.raises(InputError) as refused:
        operations.decide(amendment, manager, decision="approve")
    assert "Another grants manager" in str(refused.value.errors[""][0])
    operations.decide(amendment, second_manager, decision="approve")
    assert amendment.status == "approved"
    assert amendment.decided_by_id == second_manager.id
    assert award.amount == Decimal("300000.00")  # nothing changes before both signatures
    sign_both(amendment, personas["applicant"], second_manager)
    assert amendment.status == "in_effect"
    assert award.amount == Decimal("400000.00")
    assert _actions(amendment) == [
        "amendment.created",
        "amendment.submitted",
        "amendment.first_approved",
        "amendment.approved",
        "amendment.rendered",  # the document, once the approval commits
        "amendment.signed",
        "amendment.countersigned",
        "amendment.rendered",  # the signed PDF
    ]
    told = [m.recipient for m in outbox() if m.template == "amendment_submitted"]
    assert second_manager.email in told


def test_the_second_manager_may_reject(app, award, personas, second_manager, monkeypatch):
    monkeypatch.setitem(app.config, "AWARD_SECOND_APPROVAL_THRESHOLD", 350000)
    amendment = _submitted(award, personas["applicant"], "400000.00", "200000.00", "200000.00")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    with pytest.raises(InputError):
        operations.decide(amendment, second_manager, decision="reject")  # reasons required
    operations.decide(amendment, second_manager, decision="reject", reason="Sin fondos")
    assert (amendment.status, award.amount) == ("rejected", Decimal("300000.00"))


def test_a_decrease_is_not_an_increase(app, award, personas, monkeypatch):
    monkeypatch.setitem(app.config, "AWARD_SECOND_APPROVAL_THRESHOLD", 1)
    amendment = _submitted(award, personas["applicant"], "250000.00", "150000.00", "100000.00")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert (amendment.status, award.amount) == ("approved", Decimal("300000.00"))
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert (amendment.status, award.amount) == ("in_effect", Decimal("250000.00"))


def test_an_increase_must_fit_the_call_budget(award, personas):
    award.application.call.max_award = Decimal("350000.00")
    award.application.call.budget = Decimal("350000.00")  # the award's 300,000 is already committed
    db.session.flush()
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], "400000.00", "200000.00", "200000.00")
    message = refused.value.errors["new_amount"][0]
    assert "call's budget of MXN 350,000.00" in message
    assert "MXN 350,000.00 is still uncommitted" in message  # besides this award


def test_the_budget_is_checked_again_when_it_takes_effect(award, personas):
    amendment = _submitted(award, personas["applicant"], "400000.00", "200000.00", "200000.00")
    award.application.call.max_award = Decimal("350000.00")
    award.application.call.budget = Decimal("350000.00")  # another award took the money meanwhile
    db.session.flush()
    with pytest.raises(InputError):
        operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert award.amount == Decimal("300000.00")


def test_the_budget_is_checked_again_at_the_countersignature(award, personas):
    amendment = _submitted(award, personas["applicant"], "400000.00", "200000.00", "200000.00")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    unit_of_work.commit()
    sign_as(amendment, personas["applicant"])
    award.application.call.max_award = Decimal("350000.00")
    award.application.call.budget = Decimal("350000.00")  # the money went elsewhere meanwhile
    db.session.commit()
    with pytest.raises(InputError) as refused:
        sign_as(amendment, personas["grants_manager"])
    assert "call's budget of MXN 350,000.00" in str(refused.value.errors[""][0])
    unit_of_work.discard()  # as the view does on a refusal
    assert (amendment.status, award.amount) == ("signed_by_grantee", Decimal("300000.00"))


def test_a_decrease_is_checked_again_at_the_countersignature(award, personas):
    first, second = award.milestones
    amendment = _submitted(award, personas["applicant"], "200000.00", "50000.00", "150000.00")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    unit_of_work.commit()
    sign_as(amendment, personas["applicant"])
    # Meanwhile both milestones (300,000) are committed in approved payment requests.
    for milestone in (first, second):
        approved_request(
            award,
            personas["applicant"],
            personas["grants_manager"],
            personas["finance_officer"],
            milestone=milestone,
        )
    with pytest.raises(InputError) as refused:
        sign_as(amendment, personas["grants_manager"])
    assert "cannot be cut below MXN 300,000.00" in str(refused.value.errors[""][0])
    unit_of_work.discard()  # as the view does on a refusal
    assert (amendment.status, award.amount) == ("signed_by_grantee", Decimal("300000.00"))


def test_a_decrease_never_goes_below_paid_and_committed(award, personas):
    first = award.milestones[0]
    approved_request(
        award, personas["applicant"], personas["grants_manager"], personas["finance_officer"]
    )
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], "140000.00", "1.00")
    message = refused.value.errors["new_amount"][0]
    assert "cannot be cut below MXN 150,000.00" in message
    assert "MXN 150,000.00 is committed in payment requests" in message
    # The paid milestone stays; the planned one shrinks so the schedule re-sums.
    amendment = _submitted(award, personas["applicant"], "200000.00", "50000.00")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert award.amount == Decimal("200000.00")
    assert first.amount == Decimal("150000.00")


def test_a_fixed_amount_award_changes_its_schedule_with_the_amount(award, personas):
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], "400000.00", "150000.00", "150000.00", kinds=[AMOUNT])
    assert "change the milestone schedule" in refused.value.errors["new_amount"][0]


@pytest.mark.parametrize("new_amount", ["300000.00", "0.00", "-5.00"])
def test_amount_refusals(award, personas, new_amount):
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], new_amount, "150000.00", "150000.00")
    assert "new_amount" in refused.value.errors


def test_the_form_posts_an_amount_change(award, personas, as_user):
    client = as_user(personas["applicant"])
    url = f"/awards/{award.id}/amendments/new"
    page = client.get(url).get_data(as_text=True)
    assert 'name="milestone_rows-0-amount"' in page and 'name="new_amount"' in page
    first, second = award.milestones
    data = {
        "csrf_token": csrf_token(client, url),
        "kinds": [AMOUNT, MILESTONES],
        "new_amount": "400,000.00",
        "justification": "Más municipios",
    }
    for i, (m, a) in enumerate([(first, "150000.00"), (second, "200000.00")]):
        data |= {
            f"milestone_rows-{i}-milestone_id": str(m.id),
            f"milestone_rows-{i}-deliverable": m.deliverable,
            f"milestone_rows-{i}-verification": m.verification,
            f"milestone_rows-{i}-due_date": m.due_date.isoformat(),
            f"milestone_rows-{i}-amount": a,
        }
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "MXN 50,000.00 is missing" in refused.get_data(as_text=True)
    data["milestone_rows-1-amount"] = "250,000.00"
    data["csrf_token"] = csrf_token(client, url)
    response = client.post(url, data=data)
    assert response.status_code == 302
    edit = client.get(response.headers["Location"] + "/edit").get_data(as_text=True)
    assert 'value="250000.00"' in edit and 'value="400000.00"' in edit


def _raise(engine, award_id, new, barrier, results):
    with Session(engine) as s:
        award = s.get(Award, award_id)
        barrier.wait()
        try:
            amount_kind.lock_for_increase(s, award, new)
            award.amount = new
            s.commit()
            results.append(True)
        except BudgetExceededError:
            s.rollback()
            results.append(False)


def test_two_increases_at_once_never_over_commit(app, engine, postgres_only):
    world = committed_call(
        engine, code="CONC-AMEND-01", budget="1000.00", envelope="5000.00", applications=2
    )
    try:
        with Session(engine) as s:
            awards = [
                Award(
                    application_id=a,
                    call_id=world["call"],
                    programme_id=world["programme"],
                    organisation_id=world["org"],
                    status="active",
                    instrument="fixed_amount",
                    amount=Decimal("400.00"),
                    currency="MXN",
                    justification="x",
                    proposed_by_id=world["user"],
                )
                for a in world["applications"]
            ]
            s.add_all(awards)
            s.commit()
            ids = [a.id for a in awards]
        barrier = threading.Barrier(2)
        results: list[bool] = []
        threads = [
            threading.Thread(target=_raise, args=(engine, i, Decimal("550.00"), barrier, results))
            for i in ids
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(results) == [False, True]
        with Session(engine) as s:
            total = s.scalar(select(func.sum(Award.amount)).where(Award.call_id == world["call"]))
        assert total == Decimal("950.00")
    finally:
        remove_committed_call(engine, world)
