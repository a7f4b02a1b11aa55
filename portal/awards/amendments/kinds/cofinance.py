"""Co-finance commitment change: add a co-financier, reduce a commitment or withdraw it.

When it takes effect the award's ``CofinanceCommitment`` rows change (a withdrawn commitment
is deleted; contributions already reported against it keep their amounts and lose the link).
The share of cost share in the total project cost is re-checked against the call's rule
(``Call.cofinance_min_pct``, in-kind counted only if the call allows it) the way applications
compute it (``portal.applications.budget``): a shortfall is a **warning** on the amendment
page and beside the decision, never a refusal — staff decide.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.applications.budget import BudgetTotals
from portal.applications.constants import CountsAs, Nature
from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.awards.models import CofinanceCommitment
from portal.core.db import db
from portal.core.fields import MoneyField, StringField, TextAreaField
from portal.core.i18n import format_money, format_number

KEY = ChangeKind.COFINANCE.value
TEMPLATE = "awards/amendments/kinds/cofinance.html"
ACTIONS = ("add", "reduce", "withdraw")
ZERO = Decimal("0")


class Fields:
    cofinance_action = RadioField(
        _l("Co-finance change"),
        choices=[
            SelectChoice("add", _l("Add a co-financier")),
            SelectChoice("reduce", _l("Reduce a commitment")),
            SelectChoice("withdraw", _l("Withdraw a commitment")),
        ],
        validate_choice=False,
    )
    cofinance_commitment = SelectField(
        _l("Commitment"),
        choices=[],
        validate_choice=False,
        description=_l("To reduce or withdraw."),
    )
    cofinance_amount = MoneyField(
        _l("Amount committed"),
        validators=[Optional()],
        description=_l("The new co-financier's amount, or the reduced amount of the commitment."),
    )
    cofinance_contributor = StringField(
        _l("New co-financier"), validators=[Optional(), Length(max=200)]
    )
    cofinance_nature = RadioField(
        _l("Nature of the contribution"), choices=Nature.choices(), validate_choice=False
    )
    cofinance_counts_as = RadioField(
        _l("Counts as"), choices=CountsAs.choices(), validate_choice=False
    )
    cofinance_valuation = TextAreaField(
        _l("Valuation basis (in kind)"), validators=[Optional(), Length(max=2000)]
    )


def prepare(form, award) -> None:
    form.cofinance_commitment.choices = [("", "—")] + [
        (str(c.id), f"{c.contributor_name} · {format_money(c.amount, award.currency)}")
        for c in award.commitments
    ]


def _snapshot(c: CofinanceCommitment) -> dict:
    return {
        "id": c.id,
        "contributor_name": c.contributor_name,
        "amount": str(c.amount),
        "nature": c.nature,
        "counts_as": c.counts_as,
    }


def _commitment(award, value) -> CofinanceCommitment | None:
    return next((c for c in award.commitments if str(c.id) == str(value or "")), None)


def validate(award, data: dict, errors: dict) -> dict:
    action = data.get("cofinance_action")
    amount = data.get("cofinance_amount")
    if action not in ACTIONS:
        errors["cofinance_action"] = [_("Choose how the co-finance changes.")]
        return {}
    if action == "add":
        return _validate_new(data, amount, errors)
    commitment = _commitment(award, data.get("cofinance_commitment"))
    if commitment is None:
        errors["cofinance_commitment"] = [_("Choose the commitment that changes.")]
        return {}
    old = _snapshot(commitment)
    if action == "withdraw":
        return {"cofinance": [old, None], "cofinance_action": [None, action]}
    if amount is None or amount <= 0 or amount >= commitment.amount:
        errors["cofinance_amount"] = [
            _(
                "Enter the reduced amount: more than zero and less than %(amount)s.",
                amount=format_money(commitment.amount, award.currency),
            )
        ]
        return {}
    return {"cofinance": [old, old | {"amount": str(amount)}], "cofinance_action": [None, action]}


def _validate_new(data: dict, amount, errors: dict) -> dict:
    name = " ".join((data.get("cofinance_contributor") or "").split())
    nature, counts_as = data.get("cofinance_nature"), data.get("cofinance_counts_as")
    valuation = (data.get("cofinance_valuation") or "").strip()
    if not name:
        errors["cofinance_contributor"] = [_("Enter the name of the new co-financier.")]
    if amount is None or amount <= 0:
        errors["cofinance_amount"] = [_("Enter an amount greater than zero.")]
    if nature not in ("cash", "in_kind"):
        errors["cofinance_nature"] = [_("Say whether the contribution is in cash or in kind.")]
    elif nature == "in_kind" and not valuation:
        errors["cofinance_valuation"] = [_("Explain how the in-kind contribution is valued.")]
    if counts_as not in ("cost_share", "leverage"):
        errors["cofinance_counts_as"] = [_("Say whether it is cost share or leverage.")]
    if any(k.startswith("cofinance_") for k in errors):
        return {}
    new = {
        "id": None,
        "contributor_name": name,
        "amount": str(amount),
        "nature": nature,
        "counts_as": counts_as,
        "valuation_basis": valuation or None,
    }
    return {"cofinance": [None, new], "cofinance_action": [None, "add"]}


def requested(changes: dict) -> dict:
    pair, action = changes.get("cofinance"), changes.get("cofinance_action")
    if not pair or not action:
        return {}
    old, new = pair
    data = {"cofinance_action": action[1]}
    if old:
        data["cofinance_commitment"] = str(old["id"])
    if new:
        data["cofinance_amount"] = Decimal(new["amount"])
    if new and not old:
        data |= {
            "cofinance_contributor": new["contributor_name"],
            "cofinance_nature": new["nature"],
            "cofinance_counts_as": new["counts_as"],
            "cofinance_valuation": new.get("valuation_basis") or "",
        }
    return data


def apply(amendment, award, user) -> dict:
    pair = (amendment.changes or {}).get("cofinance")
    if not pair:
        return {}
    old, new = pair
    if old is None:
        commitment = CofinanceCommitment(
            position=len(award.commitments),
            contributor_type="other_donor",
            contributor_name=new["contributor_name"],
            amount=Decimal(new["amount"]),
            nature=new["nature"],
            counts_as=new["counts_as"],
            valuation_basis=new.get("valuation_basis"),
        )
        award.commitments.append(commitment)
    else:
        commitment = _commitment(award, old["id"])
        if new is None:
            award.commitments.remove(commitment)
        else:
            commitment.amount = Decimal(new["amount"])
    db.session.flush()
    added = [new | {"id": commitment.id}] if old is None else []
    return {"cofinance": [old, added[0] if added else new]}


# The call's rule ------------------------------------------------------------------------------
def totals(award, amounts: list[tuple[str, str, Decimal]]) -> BudgetTotals:
    """``amounts``: (nature, counts_as, amount) of every commitment."""
    in_kind_counts = award.application.call.in_kind_counts
    share_all = sum((a for _n, c, a in amounts if c == "cost_share"), ZERO)
    counted = sum(
        (a for n, c, a in amounts if c == "cost_share" and (in_kind_counts or n == "cash")), ZERO
    )
    return BudgetTotals(
        requested=award.amount,
        lines_cofinance=ZERO,
        cost_share_all=share_all,
        cost_share=counted,
        cost_share_in_kind_excluded=share_all - counted,
        leverage=sum((a for _n, c, a in amounts if c == "leverage"), ZERO),
        by_category={},
    )


def after_change(award, pair) -> list[tuple[str, str, Decimal]]:
    """The commitments as they would be once the change takes effect."""
    old, new = pair
    rows = {c.id: (c.nature, c.counts_as, c.amount) for c in award.commitments}
    if old is not None:
        rows.pop(old["id"], None)
    if new is not None:
        rows[old["id"] if old else 0] = (new["nature"], new["counts_as"], Decimal(new["amount"]))
    return list(rows.values())


def warnings(amendment) -> list[str]:
    pair = (amendment.changes or {}).get("cofinance")
    award = amendment.award
    minimum = award.application.call.cofinance_min_pct or ZERO
    if not pair or not amendment.is_open or minimum <= 0:
        return []
    after = totals(award, after_change(award, pair))
    if after.meets_minimum(minimum):
        return []
    return [
        _(
            "After this change co-finance would be %(pct)s%% of the total project cost; the "
            "call requires at least %(minimum)s%% (%(missing)s of cost share missing).",
            pct=format_number(after.cofinance_pct),
            minimum=format_number(minimum),
            missing=format_money(after.shortfall(minimum), award.currency),
        )
    ]


def _line(data: dict | None, currency: str) -> str:
    if not data:
        return "—"
    return f"{data['contributor_name']}: {format_money(Decimal(data['amount']), currency)}"


def describe(amendment) -> list:
    pair = (amendment.changes or {}).get("cofinance")
    if not pair:
        return []
    currency = amendment.award.currency
    old, new = pair
    new_text = _line(new, currency) if new else _("Withdrawn")
    return [Change(str(_("Co-finance commitment")), _line(old, currency), new_text)]
