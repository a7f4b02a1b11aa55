"""Budget realignment: move money between the grant's budget categories (``budget.py``).

The form has one amount per ``BudgetCategory``, prefilled with the current budget. The new
amounts are not negative, at least one changes, and they add up to the award amount (the new
one when the same amendment changes the amount). ``Amendment.changes["budget"]`` is
``{category: [old, new]}`` (strings) for every category.

The **cumulative share** is the money moved into categories (the positive moves) by this
realignment and by the grant's earlier realignments in effect, over the award amount. An
amendment that is only a realignment with a share at or below ``AMENDMENT_REALIGNMENT_FREE_PCT``
is a **notification**: a grants manager acknowledges it and it takes effect at once, without a
document or signatures (``acknowledgement.py``); otherwise it needs prior approval, the normal
way. On effect the new amounts are written to ``award_budget_lines``.
"""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.validators import Optional

from portal.applications.constants import BudgetCategory
from portal.awards.amendments import budget
from portal.awards.amendments.constants import AmendmentStatus, ChangeKind
from portal.awards.amendments.kinds import amount as amount_kind
from portal.awards.amendments.kinds.change import Change
from portal.awards.amounts_in_words import figures
from portal.core.db import db
from portal.core.fields import MoneyField

KEY = ChangeKind.BUDGET_REALIGNMENT.value
TEMPLATE = "awards/amendments/kinds/realignment.html"
PREFIX = "budget_"
ZERO = Decimal("0")


def field_name(category: str) -> str:
    return PREFIX + category


Fields = type(
    "Fields",
    (),
    {field_name(c.value): MoneyField(c.label, validators=[Optional()]) for c in BudgetCategory},
)


def prepare(form, award) -> None:
    """Prefill every category with the current budget on a new form; say when the budget's
    categories do not add up to the award amount."""
    current = budget.budget_of(award)
    total = sum(current.values(), ZERO)
    form.realignment_fields = [field_name(c) for c in budget.CATEGORIES]
    form.realignment_total = total if total != award.amount else None
    if form.is_submitted():
        return
    for category, value in current.items():
        field = getattr(form, field_name(category))
        if field.data is None:
            field.data = value


def _pairs(changes: dict) -> dict[str, tuple[Decimal, Decimal]]:
    pairs = (changes or {}).get("budget") or {}
    return {c: (Decimal(p[0]), Decimal(p[1])) for c, p in pairs.items()}


def validate(award, data: dict, errors: dict) -> dict:
    current = budget.budget_of(award)
    target = amount_kind.new_amount(award, data) or budget.total_of(award)
    new: dict[str, Decimal] = {}
    problems: list[str] = []
    for category in budget.CATEGORIES:
        value = data.get(field_name(category))
        if value is None:
            value = ZERO
        if not isinstance(value, Decimal) or value < 0:
            problems.append(
                _("%(category)s: enter an amount of zero or more.", category=_label(category))
            )
            continue
        new[category] = value
    if not problems:
        total = sum(new.values(), ZERO)
        if total != target:
            problems.append(
                _(
                    "The categories add up to %(total)s but must add up to the award amount, "
                    "%(award)s.",
                    total=figures(total, award.currency),
                    award=figures(target, award.currency),
                )
            )
    if not problems and all(new[c] == current[c] for c in budget.CATEGORIES):
        problems.append(_("Change at least one category: the budget is the same."))
    if problems:
        errors[field_name(budget.CATEGORIES[0])] = problems
        return {}
    return {"budget": {c: [str(current[c]), str(new[c])] for c in budget.CATEGORIES}}


def _label(category: str) -> str:
    return str(BudgetCategory(category).label)


def requested(changes: dict) -> dict:
    return {field_name(c): new for c, (_old, new) in _pairs(changes).items()}


def moved(changes: dict) -> Decimal:
    """The money moved into categories (the positive moves)."""
    return sum((max(new - old, ZERO) for old, new in _pairs(changes).values()), ZERO)


def cumulative_share(amendment) -> Decimal:
    """Percentage of the award moved by this realignment and the earlier ones in effect."""
    from portal.awards.amendments.models import Amendment

    earlier = db.session.scalars(
        select(Amendment).where(
            Amendment.award_id == amendment.award_id,
            Amendment.status == AmendmentStatus.IN_EFFECT.value,
            Amendment.number < amendment.number,
        )
    )
    total = moved(amendment.changes) + sum(
        (moved(a.changes) for a in earlier if KEY in (a.kinds or ())), ZERO
    )
    pair = (amendment.changes or {}).get("amount")
    base = Decimal(pair[1]) if pair else amendment.award.amount
    return (total * 100 / base).quantize(Decimal("0.01")) if base else Decimal("100")


def free_pct() -> Decimal:
    return Decimal(str(current_app.config["AMENDMENT_REALIGNMENT_FREE_PCT"]))


def is_notification(amendment) -> bool:
    """Only a realignment, within the threshold: acknowledged, not approved."""
    return list(amendment.kinds or ()) == [KEY] and cumulative_share(amendment) <= free_pct()


def apply(amendment, award, user) -> dict:
    pairs = _pairs(amendment.changes)
    if not pairs:
        return {}
    budget.write(award, {c: new for c, (_old, new) in pairs.items()})
    return {"budget": {c: [str(o), str(n)] for c, (o, n) in pairs.items() if o != n}}


def describe(amendment) -> list:
    currency = amendment.award.currency
    return [
        Change(_label(c), figures(old, currency), figures(new, currency), old, new, currency)
        for c, (old, new) in _pairs(amendment.changes).items()
        if old != new
    ]


def warnings(amendment) -> list[str]:
    """Which way it goes, with the cumulative percentage."""
    share, limit = cumulative_share(amendment), free_pct()
    values = {"share": f"{share}", "limit": f"{limit.normalize():f}"}
    if is_notification(amendment):
        return [
            _(
                "Budget realignment within %(limit)s %% of the award (cumulative %(share)s %%): "
                "a notification that a grants manager acknowledges; it takes effect at once.",
                **values,
            )
        ]
    return [
        _(
            "Budget realignment needs prior approval (cumulative %(share)s %% of the award, "
            "above %(limit)s %%, or combined with other changes): approval, then the amendment "
            "document signed by both parties.",
            **values,
        )
    ]
