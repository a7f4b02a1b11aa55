"""The form that creates a personal access token (shape only; operations check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.api.operations import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS, NAME_MAX
from portal.core.fields import StringField

EXPIRY_LABELS = {
    30: _l("30 days"),
    90: _l("90 days"),
    365: _l("1 year"),
}


class CreateTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Give the token a name, e.g. the system that will use it.")),
            Length(max=NAME_MAX),
        ],
        description=_l("What will use it, e.g. “Accounting system”."),
    )
    expires_in = SelectField(
        _l("Expires after"),
        coerce=int,
        choices=[SelectChoice(days, EXPIRY_LABELS[days]) for days in EXPIRY_DAYS],
        default=DEFAULT_EXPIRY_DAYS,
    )
