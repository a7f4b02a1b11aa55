"""The payment schedule: milestones (or tranches) that must add up to the award before an
agreement is issued. Their moves once the award runs are in ``portal.awards.milestone_moves``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portal.audit.operations import record
from portal.awards.amounts_in_words import figures
from portal.awards.models import Award, Milestone
from portal.awards.operations.terms import require_editable
from portal.calls.constants import Instrument
from portal.core.db import db
from portal.core.errors import InputError


def add_milestone(
    award: Award, actor, *, deliverable: str, verification: str, due_date: date, amount: Decimal
) -> Milestone:
    require_editable(award)
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter an amount greater than zero.")]
    else:
        errors.update(_check_scheduled(award, amount))
    if (
        award.start_date
        and award.end_date
        and due_date
        and not (award.start_date <= due_date <= award.end_date)
    ):
        errors["due_date"] = [_("The due date must fall within the award's term.")]
    if errors:
        raise InputError(errors)
    milestone = Milestone(
        position=len(award.milestones) + 1,
        deliverable=deliverable.strip(),
        verification=verification.strip(),
        due_date=due_date,
        amount=amount,
        currency=award.currency,
    )
    award.milestones.append(milestone)
    db.session.flush()
    record(
        "award.milestone_added",
        award,
        changes={"deliverable": milestone.deliverable, "due_date": due_date, "amount": amount},
        organisation_id=award.organisation_id,
    )
    return milestone


def _check_scheduled(award: Award, amount: Decimal) -> dict:
    """A milestone is at most the award, and the schedule with it does not exceed the award
    (``schedule_problems`` checks the whole schedule again when the agreement is issued)."""
    if amount > award.amount:
        message = _(
            "A milestone cannot be larger than the award (%(award)s).",
            award=figures(award.amount, award.currency),
        )
        return {"amount": [message]}
    total = award.scheduled_total + amount
    if total > award.amount:
        message = _(
            "With this milestone the schedule would add up to %(total)s, %(difference)s more "
            "than the award of %(award)s.",
            total=figures(total, award.currency),
            difference=figures(total - award.amount, award.currency),
            award=figures(award.amount, award.currency),
        )
        return {"amount": [message]}
    return {}


def remove_milestone(award: Award, actor, milestone: Milestone) -> None:
    require_editable(award)
    award.milestones.remove(milestone)
    db.session.flush()
    record(
        "award.milestone_removed",
        award,
        changes={"deliverable": milestone.deliverable, "amount": milestone.amount},
        organisation_id=award.organisation_id,
    )


def schedule_problems(award: Award) -> list[str]:
    """Why the schedule cannot go into an agreement (empty list: it can)."""
    total = award.scheduled_total
    if not award.milestones:
        return [_("Add at least one milestone or tranche.")]
    difference = award.amount - total
    values = {
        "total": figures(total, award.currency),
        "award": figures(award.amount, award.currency),
        "difference": figures(abs(difference), award.currency),
    }
    if award.instrument == Instrument.FIXED_AMOUNT and difference != 0:
        if difference > 0:
            return [
                _(
                    "The milestones add up to %(total)s but the award is %(award)s: "
                    "%(difference)s is missing.",
                    **values,
                )
            ]
        return [
            _(
                "The milestones add up to %(total)s but the award is %(award)s: "
                "%(difference)s too much.",
                **values,
            )
        ]
    if difference < 0:
        return [
            _(
                "The tranches add up to %(total)s, more than the award of %(award)s "
                "(by %(difference)s).",
                **values,
            )
        ]
    return []
