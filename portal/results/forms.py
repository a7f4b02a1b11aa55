"""Forms of the results pages (shape only; the operations check the business rules).

Values (baseline, targets, actuals, breakdown) are typed as text and parsed by
``operations.parse_value``, so every refusal comes with the same clear message; the target
and breakdown inputs, one per report or category, are read from the posted form by name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.calls.forms import CheckboxesField
from portal.core.fields import IntegerField, StringField, TextAreaField
from portal.results.constants import Dimension, Direction, IndicatorLevel, Measure


class IndicatorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("A short code used in reports and exports, such as IND-01."),
    )
    name_es = StringField(_l("Name (Spanish)"), validators=[InputRequired(), Length(max=300)])
    name_en = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=300)])
    definition_es = TextAreaField(
        _l("Definition (Spanish)"),
        validators=[InputRequired(), Length(max=5000)],
        description=_l("What is counted, how, and what is left out."),
    )
    definition_en = TextAreaField(
        _l("Definition (English)"), validators=[InputRequired(), Length(max=5000)]
    )
    unit_es = StringField(_l("Unit (Spanish)"), validators=[Optional(), Length(max=100)])
    unit_en = StringField(_l("Unit (English)"), validators=[Optional(), Length(max=100)])
    measure = SelectField(_l("Measure"), choices=Measure.choices())
    direction = SelectField(_l("Direction"), choices=Direction.choices())
    level = SelectField(_l("Level"), choices=IndicatorLevel.choices())
    disaggregations = CheckboxesField(
        _l("Disaggregated by"), choices=Dimension.choices(), validators=[Optional()]
    )

    def to_data(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}


class AwardIndicatorForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), coerce=int, choices=[])
    baseline_value = StringField(
        _l("Baseline value"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
        description=_l("Leave blank if there is no baseline."),
    )
    baseline_year = IntegerField(
        _l("Baseline year"), validators=[Optional(), NumberRange(min=2000, max=2100)]
    )
    baseline_note = TextAreaField(
        _l("Source of the baseline"), validators=[Optional(), Length(max=2000)]
    )

    def to_data(self, targets: dict) -> dict:
        return {
            "baseline_value": self.baseline_value.data,
            "baseline_year": self.baseline_year.data,
            "baseline_note": self.baseline_note.data,
            "targets": targets,
        }


class ActualForm(FlaskForm):
    value = StringField(
        _l("Total for the period"),
        validators=[Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    evidence_note = TextAreaField(
        _l("Evidence"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Where the supporting records are kept (attendance lists, case files, "
            "registers). No names or personal data."
        ),
    )


class QuestionForm(FlaskForm):
    comment = TextAreaField(
        _l("What should the organisation check?"), validators=[Length(max=2000)]
    )


class ButtonForm(FlaskForm):
    """A button with no field but the CSRF token."""
