"""Bank account change: a new CLABE and its holder, with the bank's letter.

A classic fraud path, so: the bank's letter is required to submit; the organisation's owners
and signatory are e-mailed when the change is submitted and when it takes effect (the CLABE
masked but for its last four digits); and once in effect every payment on the grant is held
until a finance officer verifies the new account (``bank_accounts``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, Optional

from portal.awards.amendments import bank_accounts
from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.core.clabe import bank_name, normalise, problem
from portal.core.errors import InputError
from portal.core.fields import StringField

KEY = ChangeKind.BANK_ACCOUNT.value
TEMPLATE = "awards/amendments/kinds/bank_account.html"


class Fields:
    new_clabe = StringField(
        _l("New CLABE"),
        validators=[Optional(), Length(max=40)],
        description=_l("For a bank account change: the 18 digits of the new account."),
    )
    account_holder = StringField(
        _l("Account holder"),
        validators=[Optional(), Length(max=200)],
        description=_l("The name on the account, as the bank's letter states it."),
    )


def validate(award, data: dict, errors: dict) -> dict:
    clabe = normalise(data.get("new_clabe") or "")
    holder = " ".join((data.get("account_holder") or "").split())
    current = bank_accounts.account_of(award.id)
    if not clabe:
        errors["new_clabe"] = [_("Enter the new CLABE.")]
    elif message := problem(clabe):
        errors["new_clabe"] = [str(message)]
    elif current is not None and current.clabe == clabe:
        errors["new_clabe"] = [_("This is already the grant's bank account.")]
    if not holder:
        errors["account_holder"] = [_("Enter the name of the account holder.")]
    if "new_clabe" in errors or "account_holder" in errors:
        return {}
    # "clabe" is redacted from audit entries; its last four digits are kept beside it.
    return {
        "clabe": [current.clabe if current else None, clabe],
        "clabe_last4": [current.clabe[-4:] if current else None, clabe[-4:]],
        "account_holder": [current.holder_name if current else None, holder],
    }


def requested(changes: dict) -> dict:
    clabe, holder = changes.get("clabe"), changes.get("account_holder")
    if not clabe:
        return {}
    return {"new_clabe": clabe[1], "account_holder": holder[1] if holder else ""}


def submitted(amendment, user) -> None:
    """The bank's letter is required; the owners hear of the request at once."""
    from portal.awards.amendments.documents import has_bank_letter

    if not has_bank_letter(amendment):
        raise InputError(
            {"": [_("Upload the bank's letter confirming the new account before submitting.")]}
        )
    clabe = requested(amendment.changes or {}).get("new_clabe", "")
    bank_accounts.notify_owners(amendment, "bank_account_requested", clabe)


def apply(amendment, award, user) -> dict:
    values = requested(amendment.changes or {})
    if not values:
        return {}
    account = bank_accounts.account_of(award.id)
    before = (account.clabe[-4:], account.holder_name) if account else (None, None)
    bank_accounts.change(
        award, amendment, clabe=values["new_clabe"], holder_name=values["account_holder"]
    )
    return {
        "bank_account_last4": [before[0], values["new_clabe"][-4:]],
        "account_holder": [before[1], values["account_holder"]],
        "payments_held": True,
    }


def _account(clabe: str | None) -> str:
    if not clabe:
        return "—"
    bank = bank_name(clabe)
    return f"{bank_accounts.mask(clabe)} ({bank})" if bank else bank_accounts.mask(clabe)


def describe(amendment) -> list:
    changes = amendment.changes or {}
    clabe, holder = changes.get("clabe"), changes.get("account_holder") or [None, ""]
    if not clabe:
        return []
    return [
        Change(str(_("Bank account (CLABE)")), _account(clabe[0]), _account(clabe[1])),
        Change(str(_("Account holder")), holder[0] or "—", holder[1]),
    ]


def warnings(amendment) -> list[str]:
    if not amendment.is_open:
        return []
    return [
        _(
            "When this change takes effect, every payment on the grant is held until a "
            "finance officer verifies the new bank account."
        )
    ]
