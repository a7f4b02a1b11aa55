"""Signatory change: another member of the grantee organisation, with a role allowed to sign
(``SIGNATORY_ROLES``: owner or editor), becomes its designated signatory when the amendment
takes effect — through the organisations domain's ``set_signatory`` (audited there)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from portal.accounts.models import User
from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.core.db import db
from portal.core.errors import InputError
from portal.organisations.models import SIGNATORY_ROLES, Membership
from portal.organisations.operations import set_signatory

KEY = ChangeKind.SIGNATORY.value
TEMPLATE = "awards/amendments/kinds/signatory.html"


class Fields:
    new_signatory = SelectField(
        _l("New signatory"),
        choices=[],
        validate_choice=False,
        description=_l(
            "For a signatory change: a member of the organisation who is an owner or editor."
        ),
    )


def eligible(award) -> list[Membership]:
    """The organisation's members who may sign (active users, owner or editor)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.organisation_id == award.organisation_id,
                Membership.role.in_(SIGNATORY_ROLES),
                User.is_active,
            )
            .order_by(User.full_name, User.id)
        )
    )


def current(award) -> Membership | None:
    return db.session.scalar(
        select(Membership).filter_by(organisation_id=award.organisation_id, is_signatory=True)
    )


def prepare(form, award) -> None:
    form.new_signatory.choices = [("", "—")] + [
        (str(m.user_id), f"{m.user.full_name} ({m.role_label})")
        for m in eligible(award)
        if not m.is_signatory
    ]


def _user_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def validate(award, data: dict, errors: dict) -> dict:
    user_id = _user_id(data.get("new_signatory"))
    chosen = next((m for m in eligible(award) if m.user_id == user_id), None)
    if chosen is None:
        errors["new_signatory"] = [
            _("Choose the new signatory among the organisation's owners and editors.")
        ]
        return {}
    if chosen.is_signatory:
        errors["new_signatory"] = [_("This person is already the designated signatory.")]
        return {}
    old = current(award)
    return {
        "signatory_user_id": [old.user_id if old else None, chosen.user_id],
        "signatory_name": [old.user.full_name if old else None, chosen.user.full_name],
    }


def requested(changes: dict) -> dict:
    pair = changes.get("signatory_user_id")
    return {"new_signatory": str(pair[1])} if pair else {}


def apply(amendment, award, user) -> dict:
    user_id = _user_id(requested(amendment.changes or {}).get("new_signatory"))
    if user_id is None:
        return {}
    membership = db.session.scalar(
        select(Membership).filter_by(organisation_id=award.organisation_id, user_id=user_id)
    )
    if membership is None:  # the person left the organisation after the approval
        raise InputError(
            {
                "": [
                    _(
                        "The new signatory is no longer a member of the organisation: the "
                        "amendment cannot take effect. Ask for a new amendment."
                    )
                ]
            }
        )
    before = current(award)
    set_signatory(membership)  # refuses (InputError) a role that may not sign
    return {"signatory_user_id": [before.user_id if before else None, user_id]}


def describe(amendment) -> list:
    names = (amendment.changes or {}).get("signatory_name")
    if not names:
        return []
    return [Change(str(_("Designated signatory")), names[0] or "—", names[1])]
