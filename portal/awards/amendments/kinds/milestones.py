"""Milestone schedule change: edit the deliverable, due date and amount of milestones still
``planned``, add milestones, remove planned ones.

Milestones submitted, approved or paid never change. A planned milestone that a payment
request (even a draft), a disbursement or an advance liquidation names cannot be removed. The
due dates fall within the grant's term (its new end date if the same amendment extends it).
After the change every milestone, changed or not, adds up **exactly** to the award amount (the
new one when the same amendment changes it); the message says by how much it is off.

The form has one row per planned milestone (``milestone_id`` set, ``remove`` to drop it) and
blank rows to add new ones; a row with no milestone and nothing typed is ignored, and a planned
milestone no row names stays as it is. ``Amendment.changes["milestones"]`` is
``[before, after]``: the planned milestones as they were and as they will be (``id`` null for
a new one), amounts as strings and dates in ISO form. New milestones are created ``planned``.
With a no-cost extension in the same amendment, the dates typed here are the new ones (the
extension does not shift them again: this kind is applied after it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField
from wtforms.validators import Length, Optional

from portal.awards.amendments import payments
from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds import amount as amount_kind
from portal.awards.amendments.kinds.change import Change
from portal.awards.amounts_in_words import figures
from portal.awards.constants import MilestoneStatus
from portal.awards.models import Milestone
from portal.core.errors import InputError
from portal.core.fields import DateField, HiddenField, MoneyField, TextAreaField
from portal.core.i18n import format_day

KEY = ChangeKind.MILESTONES.value
TEMPLATE = "awards/amendments/kinds/milestones.html"
FIELD = "milestone_rows"
ROWS_LIMIT = 50


class MilestoneRow(Form):
    milestone_id = HiddenField(validators=[Optional(), Length(max=12)])
    deliverable = TextAreaField(_l("Deliverable"), validators=[Optional(), Length(max=2000)])
    verification = TextAreaField(
        _l("Means of verification"), validators=[Optional(), Length(max=2000)]
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])
    amount = MoneyField(_l("Amount"), validators=[Optional()])
    remove = BooleanField(_l("Remove"))


class Fields:
    milestone_rows = FieldList(FormField(MilestoneRow), max_entries=ROWS_LIMIT)


def editable(award) -> list[Milestone]:
    return [m for m in award.milestones if m.status == MilestoneStatus.PLANNED]


def locked(award) -> list[Milestone]:
    return [m for m in award.milestones if m.status != MilestoneStatus.PLANNED]


def _item(milestone_id, deliverable, verification, due_date, amount) -> dict:
    return {
        "id": milestone_id,
        "deliverable": deliverable,
        "verification": verification,
        "due_date": due_date.isoformat(),
        "amount": str(amount),
    }


def _as_item(m: Milestone) -> dict:
    return _item(m.id, m.deliverable, m.verification, m.due_date, m.amount)


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _blank(row: dict) -> bool:
    return not any(
        (row.get(k) or "") if k in ("deliverable", "verification") else row.get(k) is not None
        for k in ("deliverable", "verification", "due_date", "amount")
    )


def validate(award, data: dict, errors: dict) -> dict:
    problems: list[str] = []
    by_id = {m.id: m for m in editable(award)}
    others = {m.id: m for m in locked(award)}
    after: dict[int, dict] = {m.id: _as_item(m) for m in by_id.values()}
    added: list[dict] = []
    term_end = _term_end(award, data)
    removed: list[int] = []
    for number, row in enumerate(data.get(FIELD) or [], start=1):
        row = row or {}
        raw_id = str(row.get("milestone_id") or "").strip()
        milestone_id = _int(raw_id)
        if raw_id and milestone_id not in by_id:
            problems.append(_row_refusal(number, others.get(milestone_id)))
            continue
        if milestone_id and row.get("remove"):
            removed.append(milestone_id)
            after.pop(milestone_id, None)
            continue
        if milestone_id is None and (row.get("remove") or _blank(row)):
            continue
        item, row_problems = _checked_row(award, number, row, by_id.get(milestone_id), term_end)
        problems += row_problems
        if item is not None:
            (after.__setitem__(milestone_id, item) if milestone_id else added.append(item))
    for milestone_id in sorted(payments.milestones_with_payments(removed)):
        problems.append(
            _(
                "Milestone “%(deliverable)s” cannot be removed: a payment request or a payment "
                "names it.",
                deliverable=by_id[milestone_id].deliverable,
            )
        )
    new_schedule = list(after.values()) + added
    if not problems:
        problems += _sum_refusal(award, data, new_schedule)
    before = [_as_item(m) for m in by_id.values()]
    if not problems and new_schedule == before:
        problems.append(_("Change at least one milestone: the schedule is the same."))
    if problems:
        errors[FIELD] = problems
        return {}
    return {"milestones": [before, new_schedule]}


def _term_end(award, data: dict) -> date | None:
    if ChangeKind.NO_COST_EXTENSION.value in data.get("kinds", ()) and data.get("new_end_date"):
        return data["new_end_date"]
    return award.end_date


def _row_refusal(number: int, milestone: Milestone | None) -> str:
    if milestone is None:
        return _("Row %(number)s: this milestone is not part of the grant.", number=number)
    return _(
        "Milestone “%(deliverable)s” can no longer change: its payment is under way or made.",
        deliverable=milestone.deliverable,
    )


def _checked_row(award, number: int, row: dict, milestone, term_end) -> tuple:
    """The row as a schedule item, and its problems (each message names the row)."""
    deliverable = (row.get("deliverable") or "").strip()
    verification = (row.get("verification") or "").strip()
    if milestone is not None:
        verification = verification or milestone.verification
    due, amount = row.get("due_date"), row.get("amount")
    problems = []
    if not deliverable or not verification:
        problems.append(
            _("Row %(number)s: describe the deliverable and how it is verified.", number=number)
        )
    if not isinstance(due, date):
        problems.append(_("Row %(number)s: enter the due date.", number=number))
    elif (award.start_date and due < award.start_date) or (term_end and due > term_end):
        problems.append(
            _("Row %(number)s: the due date must fall within the grant's term.", number=number)
        )
    if not isinstance(amount, Decimal) or amount <= 0:
        problems.append(_("Row %(number)s: enter an amount greater than zero.", number=number))
    if problems:
        return None, problems
    item = _item(milestone.id if milestone else None, deliverable, verification, due, amount)
    return item, []


def _sum_refusal(award, data: dict, schedule: list[dict]) -> list[str]:
    target = amount_kind.new_amount(award, data) or award.amount
    total = sum((m.amount for m in locked(award)), Decimal("0")) + sum(
        (Decimal(i["amount"]) for i in schedule), Decimal("0")
    )
    values = {
        "total": figures(total, award.currency),
        "award": figures(target, award.currency),
        "difference": figures(abs(target - total), award.currency),
    }
    if total < target:
        return [
            _(
                "The milestones add up to %(total)s but the award is %(award)s: "
                "%(difference)s is missing.",
                **values,
            )
        ]
    if total > target:
        return [
            _(
                "The milestones add up to %(total)s but the award is %(award)s: "
                "%(difference)s too much.",
                **values,
            )
        ]
    return []


def requested(changes: dict) -> dict:
    """Form rows: every planned milestone as it will be (``remove`` set when it goes), then
    the new ones."""
    pair = (changes or {}).get("milestones")
    if not pair:
        return {}
    before, after = pair
    kept = {i["id"]: i for i in after if i["id"] is not None}
    rows = []
    for item in before:
        rows.append(_row(kept.get(item["id"], item), remove=item["id"] not in kept))
    rows += [_row(i, remove=False) for i in after if i["id"] is None]
    return {FIELD: rows}


def _row(item: dict, *, remove: bool) -> dict:
    return {
        "milestone_id": str(item["id"]) if item["id"] is not None else "",
        "deliverable": item["deliverable"],
        "verification": item["verification"],
        "due_date": date.fromisoformat(item["due_date"]),
        "amount": Decimal(item["amount"]),
        "remove": remove,
    }


def apply(amendment, award, user) -> dict:
    pair = (amendment.changes or {}).get("milestones")
    if not pair:
        return {}
    before, after = pair
    current = {m.id: m for m in editable(award)}
    wanted = {i["id"] for i in after if i["id"] is not None}
    gone = [current[i["id"]] for i in before if i["id"] not in wanted and i["id"] in current]
    if wanted - set(current):  # checked again just before; kept as a last guard
        raise InputError({"": [_("A milestone changed since the amendment was written.")]})
    for milestone in gone:
        award.milestones.remove(milestone)
    position = max((m.position for m in award.milestones), default=0)
    for item in after:
        due, amount = date.fromisoformat(item["due_date"]), Decimal(item["amount"])
        if item["id"] is None:
            position += 1
            award.milestones.append(
                Milestone(
                    position=position,
                    deliverable=item["deliverable"],
                    verification=item["verification"],
                    due_date=due,
                    amount=amount,
                    currency=award.currency,
                    status=MilestoneStatus.PLANNED.value,
                )
            )
            continue
        milestone = current[item["id"]]
        milestone.deliverable, milestone.verification = item["deliverable"], item["verification"]
        milestone.due_date, milestone.amount = due, amount
    return {"milestones": [before, after], "removed_milestones": [m.id for m in gone]}


def describe(amendment) -> list:
    pair = (amendment.changes or {}).get("milestones")
    if not pair:
        return []
    currency = amendment.award.currency
    return [
        Change(
            str(_("Payment schedule")),
            _schedule_text(pair[0], currency),
            _schedule_text(pair[1], currency),
        )
    ]


def _schedule_text(items: list[dict], currency: str) -> str:
    if not items:
        return "—"
    return "\n".join(
        f"{i['deliverable']} · {format_day(date.fromisoformat(i['due_date']))} · "
        f"{figures(Decimal(i['amount']), currency)}"
        for i in items
    )
