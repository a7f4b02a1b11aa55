"""The exchange-rate form (shape only: ``operations.record_rate`` checks the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Length, Optional

from portal.core.fields import DateField, StringField
from portal.core.forms import choice_list
from portal.finance.constants import RATE_SOURCES


class WithdrawRateForm(FlaskForm):
    reason = StringField(_l("Reason for withdrawing it"), validators=[Optional(), Length(max=500)])


class RateForm(FlaskForm):
    rate_on = DateField(_l("Day the rate applies to"), validators=[Optional()])
    rate = StringField(
        _l("Mexican pesos per US dollar (USD/MXN)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
        description=_l("For example 17.2345, with a decimal point; up to six decimals."),
    )
    source = SelectField(
        _l("Source of the rate"),
        choices=choice_list([("", "—"), *RATE_SOURCES.items()]),
        default="",
    )
