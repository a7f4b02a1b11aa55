"""Scope or description change: a narrative; the amendment itself is the record."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, Optional

from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds.change import Change
from portal.core.fields import TextAreaField

KEY = ChangeKind.SCOPE.value
TEMPLATE = "awards/amendments/kinds/scope.html"


class Fields:
    scope = TextAreaField(
        _l("Change of scope"),
        validators=[Optional(), Length(max=10000)],
        description=_l("For a scope change: what the project will do differently."),
    )


def validate(award, data: dict, errors: dict) -> dict:
    text = (data.get("scope") or "").strip()
    if not text:
        errors["scope"] = [_("Describe the change of scope.")]
        return {}
    return {"scope": [None, text]}


def requested(changes: dict) -> dict:
    pair = changes.get("scope")
    return {"scope": pair[1]} if pair else {}


def apply(amendment, award, user) -> dict:
    return {"scope": requested(amendment.changes or {}).get("scope", "")}


def describe(amendment) -> list:
    text = requested(amendment.changes or {}).get("scope")
    return [Change(str(_("Change of scope")), "—", text)] if text else []
