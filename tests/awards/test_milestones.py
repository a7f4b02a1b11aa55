"""Milestone amounts (issue 12): refused where they are typed, on the amount field of the real
form, when not positive, larger than the award, or when the schedule would then exceed the
award (saying by how much). Nothing is added; issuing still checks the whole schedule."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.awards import operations
from portal.awards.models import Award, Milestone
from portal.core.db import db
from tests.awards import helpers
from tests.support.field_errors import field_errors
from tests.support.forms import post_form

D = Decimal


def _milestones(award_id: int) -> list[Decimal]:
    return list(
        db.session.scalars(
            select(Milestone.amount).where(Milestone.award_id == award_id).order_by(Milestone.id)
        )
    )


def _added(award_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "award.milestone_added", AuditEntry.object_id == str(award_id))
    )


def _half_scheduled(application, manager) -> Award:
    """MXN 300,000.00, fixed amount; one milestone of 150,000.00 (the other one removed)."""
    award = helpers.ready_award(application, manager)
    operations.remove_milestone(award, manager, award.milestones[1])
    db.session.commit()
    return award


def _post(client, award_id: int, amount: str):
    url = f"/awards/{award_id}/milestones"
    data = {
        "deliverable": "Informe intermedio",
        "verification": "Informe y listas de asistencia",
        "due_date": "2027-06-01",
        "amount": amount,
    }
    return post_form(client, url, data, form_url=url)


def test_milestone_amounts_are_refused_where_they_are_typed(ctx, application, personas, as_user):
    manager = personas["grants_manager"]
    award = _half_scheduled(application, manager)
    added = _added(award.id)
    client = as_user(manager)
    refusals = {
        "0": "Enter an amount greater than zero.",
        "-5.00": "Enter an amount greater than zero.",
        "300,000.01": "A milestone cannot be larger than the award (MXN 300,000.00).",
        "1,000,000.00": "A milestone cannot be larger than the award (MXN 300,000.00).",
        "150,000.01": "With this milestone the schedule would add up to MXN 300,000.01, "
        "MXN 0.01 more than the award of MXN 300,000.00.",
        "200000": "With this milestone the schedule would add up to MXN 350,000.00, "
        "MXN 50,000.00 more than the award of MXN 300,000.00.",
    }
    for amount, message in refusals.items():
        response = _post(client, award.id, amount)
        assert response.status_code == 422, amount
        assert field_errors(response.get_data(as_text=True), "amount") == [message], amount
        assert _milestones(award.id) == [D("150000.00")]
        assert _added(award.id) == added
    response = _post(client, award.id, "150,000.00")
    assert response.status_code == 302
    assert _milestones(award.id) == [D("150000.00"), D("150000.00")]
    assert operations.schedule_problems(db.session.get(Award, award.id)) == []


def test_cost_reimbursable_tranches_may_not_exceed_the_award_either(
    ctx, application, personas, as_user
):
    manager = personas["grants_manager"]
    award = _half_scheduled(application, manager)
    operations.update_terms(
        award,
        manager,
        instrument="cost_reimbursable",
        amount=award.amount,
        start_date=award.start_date,
        end_date=award.end_date,
        special_conditions=award.special_conditions,
    )
    db.session.commit()
    client = as_user(manager)
    response = _post(client, award.id, "150,000.50")
    assert field_errors(response.get_data(as_text=True), "amount") == [
        "With this milestone the schedule would add up to MXN 300,000.50, "
        "MXN 0.50 more than the award of MXN 300,000.00."
    ]
    assert _post(client, award.id, "100,000.00").status_code == 302  # below the award: fine
    assert _milestones(award.id) == [D("150000.00"), D("100000.00")]
