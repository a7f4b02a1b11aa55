"""Forms of the amendment pages (shape only; the operations check the business rules and
give the messages of a refusal)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.awards.amendments.constants import ChangeKind
from portal.awards.amendments.kinds import ENABLED_KINDS, field_mixins
from portal.calls.forms import CheckboxesField
from portal.core.fields import TextAreaField


class AmendmentForm(*field_mixins(), FlaskForm):
    """The kinds of change, each kind's own fields (``kinds/<kind>.py``) and the
    justification."""

    kinds = CheckboxesField(
        _l("What changes"),
        choices=ChangeKind.choices(k for k in ChangeKind if k in ENABLED_KINDS),
        validate_choice=False,
    )
    justification = TextAreaField(
        _l("Justification"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Why the grant needs this change."),
    )


class AmendmentDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve: both parties then sign the amendment document")),
            SelectChoice("request_changes", _l("Ask for changes")),
            SelectChoice("reject", _l("Reject")),
        ],
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Comments or reasons"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required to ask for changes or to reject; the grantee reads them."),
    )
