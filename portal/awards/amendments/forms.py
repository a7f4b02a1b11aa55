"""Forms of the amendment pages (shape only; the operations check the business rules and
give the messages of a refusal)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.awards.amendments.constants import ENABLED_KINDS, ChangeKind
from portal.calls.forms import CheckboxesField
from portal.core.fields import DateField, TextAreaField


class AmendmentForm(FlaskForm):
    kinds = CheckboxesField(
        _l("What changes"),
        choices=ChangeKind.choices(k for k in ChangeKind if k in ENABLED_KINDS),
        validate_choice=False,
    )
    new_end_date = DateField(
        _l("New end date"),
        validators=[Optional()],
        description=_l(
            "For a no-cost extension. The milestones not yet paid move by the same number of days."
        ),
    )
    scope = TextAreaField(
        _l("Change of scope"),
        validators=[Optional(), Length(max=10000)],
        description=_l("For a scope change: what the project will do differently."),
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
            SelectChoice("approve", _l("Approve: the change takes effect now")),
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
