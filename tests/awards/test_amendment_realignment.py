"""Budget realignment (issue 15): one amount per budget category, the same total; within the
cumulative free threshold a notification staff acknowledge (in effect at once, no document);
above it, or combined with another change, approval and both signatures; the effect writes
``award_budget_lines``; the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.applications.models import BudgetLine
from portal.audit.models import AuditEntry
from portal.awards.amendments import budget, document, operations
from portal.awards.amendments.kinds import realignment
from portal.core import unit_of_work
from portal.core.db import db
from portal.core.errors import InputError
from tests.awards.amendment_helpers import sign_both
from tests.finance.helpers import active_award
from tests.support.forms import csrf_token

KIND = "budget_realignment"
D = Decimal


@pytest.fixture
def award(ctx, call, personas):
    award = active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])
    budget.write(award, {"personnel": D("200000.00"), "travel": D("100000.00")})
    return award


def _values(**amounts) -> dict:
    return {realignment.field_name(c): D(v) for c, v in amounts.items()}


def _draft(award, user, kinds=(KIND,), **amounts):
    return operations.create_draft(
        award, user, kinds=list(kinds), justification="Reasignación", **_values(**amounts)
    )


def _submitted(award, user, **amounts):
    amendment = _draft(award, user, **amounts)
    operations.submit(amendment, user)
    return amendment


def test_the_budget_defaults_to_the_applications_lines(ctx, call, personas, as_user):
    award = active_award(call, personas["org_a"], personas["applicant"], personas["grants_manager"])
    for position, (category, amount) in enumerate(
        [("personnel", "150000.00"), ("travel", "50000.00"), ("personnel", "40000.00")]
    ):
        db.session.add(
            BudgetLine(
                application_id=award.application_id,
                category=category,
                description="Línea",
                requested=D(amount),
                position=position + 10,
            )
        )
    db.session.flush()
    current = budget.budget_of(award)
    assert list(current) == list(budget.CATEGORIES)
    assert (current["personnel"], current["travel"], current["other"]) == (
        D("190000.00"),
        D("50000.00"),
        D("0"),
    )
    unit_of_work.commit()
    page = as_user(personas["applicant"]).get(f"/awards/{award.id}/amendments/new")
    assert "data-budget-mismatch" in page.get_data(as_text=True)  # 240,000 of 300,000


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"personnel": "210000.00", "travel": "100000.00"}, "must add up to the award amount"),
        ({"personnel": "-10.00", "travel": "300010.00"}, "zero or more"),
        ({"personnel": "200000.00", "travel": "100000.00"}, "the budget is the same"),
    ],
)
def test_refusals(award, personas, amounts, message):
    with pytest.raises(InputError) as refused:
        _draft(award, personas["applicant"], **amounts)
    assert message in " ".join(str(m) for ms in refused.value.errors.values() for m in ms)


def test_the_total_follows_a_new_amount_in_the_same_amendment(award, personas):
    for m in list(award.milestones):
        award.milestones.remove(m)
    db.session.flush()
    amendment = operations.create_draft(
        award,
        personas["applicant"],
        kinds=["amount", KIND],
        new_amount=D("250000.00"),
        justification="Recorte",
        **_values(personnel="150000.00", travel="100000.00"),
    )
    assert amendment.changes["budget"]["personnel"] == ["200000.00", "150000.00"]
    assert not realignment.is_notification(amendment)  # combined with another change


def test_below_the_threshold_is_acknowledged_and_in_effect_at_once(award, personas, outbox):
    # 20,000 of 300,000 moved: 6.67 %.
    amendment = _submitted(award, personas["applicant"], personnel="180000.00", travel="120000.00")
    assert realignment.cumulative_share(amendment) == D("6.67")
    assert realignment.is_notification(amendment)
    with pytest.raises(InputError):
        operations.decide(amendment, personas["grants_manager"], decision="approve")
    operations.decide(amendment, personas["grants_manager"], decision="acknowledge")
    assert amendment.status == "in_effect"
    assert document.version_of(amendment) is None
    current = budget.budget_of(award)
    assert (current["personnel"], current["travel"]) == (D("180000.00"), D("120000.00"))
    unit_of_work.commit()
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "amendment", AuditEntry.object_id == str(amendment.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["amendment.created", "amendment.submitted", "amendment.acknowledged"]
    assert [c.label for c in realignment.describe(amendment)] == ["Personnel", "Travel"]
    unit_of_work.commit()
    assert any("acknowledged and is in effect" in m.subject for m in outbox())


def test_above_the_threshold_needs_approval_and_both_signatures(award, personas):
    amendment = _submitted(award, personas["applicant"], personnel="150000.00", travel="150000.00")
    assert realignment.cumulative_share(amendment) == D("16.67")
    assert not realignment.is_notification(amendment)
    with pytest.raises(InputError):
        operations.decide(amendment, personas["grants_manager"], decision="acknowledge")
    operations.decide(amendment, personas["grants_manager"], decision="approve")
    assert amendment.status == "approved"
    assert budget.budget_of(award)["travel"] == D("100000.00")  # nothing before signatures
    sign_both(amendment, personas["applicant"], personas["grants_manager"])
    assert amendment.status == "in_effect"
    assert budget.budget_of(award)["travel"] == D("150000.00")


def test_the_share_is_cumulative(app, award, personas, monkeypatch):
    manager = personas["grants_manager"]
    first = _submitted(award, personas["applicant"], personnel="180000.00", travel="120000.00")
    operations.decide(first, manager, decision="acknowledge")
    unit_of_work.commit()
    # Another 15,000 moved: 35,000 of 300,000 in all (11.67 %), above 10 %.
    second = _submitted(award, personas["applicant"], personnel="195000.00", travel="105000.00")
    assert realignment.cumulative_share(second) == D("11.67")
    assert not realignment.is_notification(second)
    monkeypatch.setitem(app.config, "AMENDMENT_REALIGNMENT_FREE_PCT", 12)
    operations.decide(second, manager, decision="acknowledge")
    unit_of_work.commit()
    assert realignment.cumulative_share(first) == D("6.67")  # later ones do not count


def test_the_threshold_is_configurable(app, award, personas, monkeypatch):
    monkeypatch.setitem(app.config, "AMENDMENT_REALIGNMENT_FREE_PCT", 20)
    amendment = _submitted(award, personas["applicant"], personnel="150000.00", travel="150000.00")
    assert realignment.is_notification(amendment)


def test_the_form_posts_a_realignment_and_staff_acknowledge_it(award, personas, as_user):
    client = as_user(personas["applicant"])
    url = f"/awards/{award.id}/amendments/new"
    page = client.get(url).get_data(as_text=True)
    assert 'name="budget_personnel"' in page and 'value="200000.00"' in page
    data = {
        "csrf_token": csrf_token(client, url),
        "kinds": [KIND],
        "justification": "Más viajes",
        "budget_personnel": "190,000.00",
        "budget_travel": "100,000.00",
    }
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "must add up to the award amount" in refused.get_data(as_text=True)
    data |= {"budget_travel": "110,000.00", "csrf_token": csrf_token(client, url)}
    response = client.post(url, data=data)
    assert response.status_code == 302
    amendment_url = response.headers["Location"]
    edit = client.get(amendment_url + "/edit").get_data(as_text=True)
    assert 'value="190000.00"' in edit and 'value="110000.00"' in edit
    client.post(amendment_url + "/submit", data={"csrf_token": csrf_token(client, amendment_url)})
    staff = as_user(personas["grants_manager"])
    page = staff.get(amendment_url).get_data(as_text=True)
    assert 'value="acknowledge"' in page and 'value="approve"' not in page
    assert "3.33" in page
    posted = staff.post(
        amendment_url + "/decide",
        data={"csrf_token": csrf_token(staff, amendment_url), "decision": "acknowledge"},
    )
    assert posted.status_code == 302
    assert budget.budget_of(award)["travel"] == D("110000.00")
