"""Amendments that change the milestone schedule (issue 15): planned milestones are edited,
added or removed; submitted, approved and paid ones never change; the schedule re-sums
exactly to the (new) award amount; the effect; the edit form's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.awards.amendments import kinds, operations
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards.amendment_helpers import sign_both
from tests.finance.helpers import active_award
from tests.support.forms import csrf_token

MILESTONES = "milestones"


@pytest.fixture
def award(ctx, call, personas):
    return active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])


def _row(m=None, **values):
    row = {"milestone_id": "", "remove": False}
    if m is not None:
        row |= {
            "milestone_id": str(m.id),
            "deliverable": m.deliverable,
            "verification": m.verification,
            "due_date": m.due_date,
            "amount": m.amount,
        }
    return row | values


def _draft(award, user, rows, **values):
    values = {"kinds": [MILESTONES], "milestone_rows": rows, "justification": "Ajuste"} | values
    return operations.create_draft(award, user, **values)


def _errors(award, user, rows, **values):
    with pytest.raises(InputError) as refused:
        _draft(award, user, rows, **values)
    return [str(m) for m in refused.value.errors["milestone_rows"]]


def test_edit_add_and_remove_planned_milestones(award, personas):
    first, second = award.milestones
    rows = [
        _row(first, amount=Decimal("100000.00"), deliverable="Plan y diagnóstico"),
        _row(second, remove=True),
        _row(
            deliverable="Informe intermedio",
            verification="Informe aprobado",
            due_date=date(2027, 8, 1),
            amount=Decimal("120000.00"),
        ),
        _row(
            deliverable="Informe final",
            verification="Informe final aprobado",
            due_date=date(2028, 1, 15),
            amount=Decimal("80000.00"),
        ),
        _row(),  # a blank row is ignored
    ]
    amendment = _draft(award, personas["applicant"], rows)
    again = kinds.requested(amendment)["milestone_rows"]
    assert [r["remove"] for r in again] == [False, True, False, False]
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    db.session.flush()
    assert amendment.status == "approved"
    assert [m.id for m in award.milestones] == [first.id, second.id]  # nothing changes yet
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    schedule = [(m.deliverable, m.amount, m.status) for m in award.milestones]
    assert schedule == [
        ("Plan y diagnóstico", Decimal("100000.00"), "planned"),
        ("Informe intermedio", Decimal("120000.00"), "planned"),
        ("Informe final", Decimal("80000.00"), "planned"),
    ]
    assert award.scheduled_total == award.amount


def test_the_schedule_must_re_sum_exactly(award, personas):
    first = award.milestones[0]
    short = _errors(award, personas["applicant"], [_row(first, amount=Decimal("100000.00"))])
    assert short == [
        "The milestones add up to MXN 250,000.00 but the award is MXN 300,000.00: "
        "MXN 50,000.00 is missing."
    ]
    over = _errors(award, personas["applicant"], [_row(first, amount=Decimal("160000.00"))])
    assert "MXN 10,000.00 too much" in over[0]


def test_the_schedule_re_sums_to_the_new_amount(award, personas):
    first, second = award.milestones
    rows = [_row(first), _row(second, amount=Decimal("250000.00"))]
    amendment = _draft(
        award,
        personas["applicant"],
        rows,
        kinds=["amount", MILESTONES],
        new_amount=Decimal("400000"),
    )
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert (award.amount, second.amount) == (Decimal("300000.00"), Decimal("150000.00"))
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert (award.amount, second.amount) == (Decimal("400000.00"), Decimal("250000.00"))


def test_paid_and_submitted_milestones_never_change(award, personas):
    first, second = award.milestones
    first.status = "paid"
    second.status = "submitted"
    db.session.flush()
    errors = _errors(award, personas["applicant"], [_row(first, amount=Decimal("1.00"))])
    assert "can no longer change" in errors[0]
    errors = _errors(award, personas["applicant"], [_row(second, remove=True)])
    assert "can no longer change" in errors[0]


def test_a_milestone_with_a_payment_request_is_not_removed(award, personas):
    from portal.finance import operations as finance

    first, second = award.milestones
    finance.create_request(
        award, personas["applicant"], milestone_id=second.id, narrative="x", amount=second.amount
    )
    rows = [_row(first, amount=Decimal("300000.00")), _row(second, remove=True)]
    errors = _errors(award, personas["applicant"], rows)
    assert "cannot be removed" in errors[0]


def test_row_refusals(award, personas):
    first, second = award.milestones
    rows = [
        _row(first, due_date=date(2029, 1, 1)),  # after the end of the grant
        _row(second, amount=None),
        _row(deliverable="Sin fecha", verification="x", amount=Decimal("5.00")),
        _row(milestone_id="999999", deliverable="x"),
    ]
    errors = _errors(award, personas["applicant"], rows)
    assert errors == [
        "Row 1: the due date must fall within the grant's term.",
        "Row 2: enter an amount greater than zero.",
        "Row 3: enter the due date.",
        "Row 4: this milestone is not part of the grant.",
    ]
    same = _errors(award, personas["applicant"], [_row(first)])
    assert same == ["Change at least one milestone: the schedule is the same."]


def test_an_extension_in_the_same_amendment_widens_the_term(award, personas):
    first, second = award.milestones
    rows = [_row(first), _row(second, due_date=date(2028, 4, 1))]
    amendment = _draft(
        award,
        personas["applicant"],
        rows,
        kinds=["no_cost_extension", MILESTONES],
        new_end_date=date(2028, 4, 30),
    )
    operations.submit(amendment, personas["applicant"])
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert (award.end_date, second.due_date) == (date(2028, 4, 30), date(2028, 4, 1))


def test_the_form_rows(award, personas, as_user):
    client = as_user(personas["applicant"])
    url = f"/awards/{award.id}/amendments/new"
    first, second = award.milestones
    data = {
        "csrf_token": csrf_token(client, url),
        "kinds": MILESTONES,
        "justification": "Ajuste",
        "milestone_rows-0-milestone_id": str(first.id),
        "milestone_rows-0-deliverable": first.deliverable,
        "milestone_rows-0-verification": first.verification,
        "milestone_rows-0-due_date": first.due_date.isoformat(),
        "milestone_rows-0-amount": "100,000.00",
        "milestone_rows-1-milestone_id": str(second.id),
        "milestone_rows-1-deliverable": second.deliverable,
        "milestone_rows-1-verification": second.verification,
        "milestone_rows-1-due_date": second.due_date.isoformat(),
        "milestone_rows-1-amount": "150000.00",
        "milestone_rows-2-milestone_id": "",
        "milestone_rows-2-deliverable": "",
    }
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "MXN 50,000.00 is missing" in refused.get_data(as_text=True)
    data |= {
        "csrf_token": csrf_token(client, url),
        "milestone_rows-2-deliverable": "Taller adicional",
        "milestone_rows-2-verification": "Lista de asistencia",
        "milestone_rows-2-due_date": "2027-10-01",
        "milestone_rows-2-amount": "50000",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Taller adicional" in page
    edit = client.get(response.headers["Location"] + "/edit").get_data(as_text=True)
    assert 'name="milestone_rows-2-deliverable"' in edit and "Taller adicional" in edit
