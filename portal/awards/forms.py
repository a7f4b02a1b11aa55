"""Forms of the awards pages (shape only; the operations check the business rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from portal.applications.constants import CountsAs, Nature
from portal.awards.constants import RISK_ANSWERS, RISK_ITEMS, Decision
from portal.calls.constants import Instrument
from portal.core.fields import DateField, MoneyField, PasswordField, StringField, TextAreaField
from portal.core.forms import choice_list


def instrument_choices(values) -> list[SelectChoice]:
    return Instrument.choices(i for i in Instrument if i.value in values)


class DecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=Decision.choices(),
    )
    amount = MoneyField(
        _l("Amount of the award"),
        validators=[Optional()],
        description=_l("Only for an award. In the programme's currency."),
    )
    instrument = SelectField(_l("Instrument"), choices=[], validate_choice=False)
    justification = TextAreaField(
        _l("Justification"), validators=[InputRequired(), Length(max=5000)]
    )


class RefuseApprovalForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class TermsForm(FlaskForm):
    instrument = SelectField(_l("Instrument"), choices=[], validate_choice=False)
    amount = MoneyField(_l("Amount of the award"), validators=[InputRequired()])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    special_conditions = TextAreaField(
        _l("Special conditions"), validators=[Optional(), Length(max=10000)]
    )
    advance_limit = MoneyField(
        _l("Advance allowed up to (optional)"),
        validators=[Optional()],
        description=_l(
            "Fixed amount awards only. Leave it empty for no advance. Advances are liquidated"
            " against the milestones approved for payment."
        ),
    )


class CommitmentForm(FlaskForm):
    contributor_name = StringField(_l("Contributor"), validators=[InputRequired(), Length(max=200)])
    nature = SelectField(_l("Cash or in kind"), choices=Nature.choices())
    counts_as = SelectField(_l("Counts as"), choices=CountsAs.choices())
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])
    valuation_basis = TextAreaField(
        _l("Valuation basis (in kind)"), validators=[Optional(), Length(max=2000)]
    )


class MilestoneForm(FlaskForm):
    deliverable = TextAreaField(_l("Deliverable"), validators=[InputRequired(), Length(max=2000)])
    verification = TextAreaField(
        _l("Means of verification"), validators=[InputRequired(), Length(max=2000)]
    )
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])


def risk_form_class():
    """A form with one choice per checklist item (built once per request: fields are class
    attributes in WTForms)."""

    class RiskForm(FlaskForm):
        notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    for key, label in RISK_ITEMS.items():
        setattr(
            RiskForm,
            key,
            SelectField(
                label,
                choices=choice_list([("", _l("Choose...")), *RISK_ANSWERS.items()]),
                validators=[InputRequired()],
            ),
        )
    return RiskForm


class SignForm(FlaskForm):
    typed_name = StringField(_l("Your full name"), validators=[InputRequired(), Length(max=200)])
    accept = BooleanField(
        _l("I have read the agreement and accept it on behalf of the party I represent.")
    )
    password = PasswordField(_l("Your password"), validators=[InputRequired()])


class ClauseForm(FlaskForm):
    title_es = StringField(_l("Title (Spanish)"), validators=[InputRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[InputRequired(), Length(max=200)])
    body_es = TextAreaField(_l("Text (Spanish)"), validators=[InputRequired(), Length(max=10000)])
    body_en = TextAreaField(_l("Text (English)"), validators=[InputRequired(), Length(max=10000)])


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    hash = StringField(_l("SHA-256 hash"), validators=[InputRequired(), Length(max=80)])
