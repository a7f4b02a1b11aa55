"""Forms for programmes and calls, and the field types they share (checkboxes).

Forms only parse and check shape (required, length, number format); the business rules
(dates in order, min ≤ max ≤ budget, keys, conditions) are checked by the operations, whose
messages the views attach to the same field names.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.calls.constants import (
    CALL_CODE_RULE,
    CURRENCIES,
    DEFAULT_CALL_TIMEZONE,
    MEXICAN_TIMEZONES,
    Instrument,
)
from portal.calls.rules import (
    NonexistentLocalTimeError,
    local_to_utc,
    utc_to_local,
)
from portal.core.fields import (
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    MoneyField,
    StringField,
    TextAreaField,
)
from portal.core.forms import choice_list
from portal.organisations.mexican_states import STATE_CHOICES
from portal.organisations.models import OrgKind


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value):
    value = _strip(value)
    return value or None


def _multiline(value):
    """Strip and normalise line endings (browsers send CRLF)."""
    return (
        value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value
    )


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


LOCAL_DT_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


# Programmes --------------------------------------------------------------------------------
class ProgrammeForm(FlaskForm):
    name_es = StringField(
        _l("Name (Spanish)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the name in Spanish.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Name (English)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the name in English.")), Length(max=200)],
    )
    donor = StringField(
        _l("Donor"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the donor.")), Length(max=200)],
    )
    currency = SelectField(
        _l("Currency"),
        choices=choice_list((c, c) for c in CURRENCIES),
        validators=[InputRequired()],
    )
    envelope = MoneyField(
        _l("Total envelope"),
        validators=[InputRequired(_l("Enter the total envelope."))],
        description=_l("The total the programme can award, in its currency."),
    )
    manager_ids = CheckboxesField(_l("Managers"), coerce=int, choices=[])
    bilingual_agreement = BooleanField(_l("Issue agreements in Spanish and English side by side"))

    def set_manager_choices(self, users) -> None:
        self.manager_ids.choices = choice_list((u.id, f"{u.full_name} <{u.email}>") for u in users)

    def to_data(self) -> dict:
        return {name: self[name].data for name in self._fields if name != "csrf_token"}

    @classmethod
    def for_programme(cls, programme):
        form = cls(obj=programme)
        if not form.is_submitted():
            form.manager_ids.data = [u.id for u in programme.managers]
        return form


# Calls -------------------------------------------------------------------------------------
class CallForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_upper],
        validators=[InputRequired(_l("Enter the call's code.")), Length(max=30)],
        description=_l(
            "%(rule)s The code appears in links and reference numbers.", rule=CALL_CODE_RULE
        ),
    )
    title_es = StringField(
        _l("Title (Spanish)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in Spanish.")), Length(max=300)],
    )
    title_en = StringField(
        _l("Title (English)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in English.")), Length(max=300)],
    )
    description_es = TextAreaField(
        _l("Description (Spanish)"),
        render_kw={"rows": 8},
        filters=[_multiline],
        validators=[Length(max=20000)],
        description=_l("Plain text; line breaks are kept."),
    )
    description_en = TextAreaField(
        _l("Description (English)"),
        render_kw={"rows": 8},
        filters=[_multiline],
        validators=[Length(max=20000)],
    )
    applicant_kinds = CheckboxesField(_l("Eligible applicant types"), choices=OrgKind.choices())
    all_states = BooleanField(_l("Open to organisations in all states"), default=True)
    state_codes = CheckboxesField(
        _l("Eligible states"),
        choices=choice_list(STATE_CHOICES),
        description=_l("Only used when the call is not open to all states."),
    )
    thematic_areas_es = TextAreaField(
        _l("Thematic areas (Spanish)"), render_kw={"rows": 5}, description=_l("One per line.")
    )
    thematic_areas_en = TextAreaField(
        _l("Thematic areas (English)"),
        render_kw={"rows": 5},
        description=_l("One per line, in the same order as the Spanish list."),
    )
    timezone = SelectField(
        _l("Time zone of the dates"),
        choices=choice_list(MEXICAN_TIMEZONES),
        default=DEFAULT_CALL_TIMEZONE,
        validators=[InputRequired()],
    )
    opens_dt = DateTimeLocalField(
        _l("Opens"),
        format=LOCAL_DT_FORMAT,
        validators=[Optional()],
        description=_l("Date and time in the call's time zone."),
    )
    closes_dt = DateTimeLocalField(
        _l("Closes (deadline)"),
        format=LOCAL_DT_FORMAT,
        validators=[Optional()],
        description=_l("Date and time in the call's time zone."),
    )
    budget = MoneyField(_l("Budget of the call"), validators=[Optional()])
    min_award = MoneyField(_l("Minimum award"), validators=[Optional()])
    max_award = MoneyField(_l("Maximum award"), validators=[Optional()])
    cofinance_min_pct = DecimalField(
        _l("Minimum co-finance (percentage of total project cost)"),
        places=2,
        limit=Decimal(1000),
        default=Decimal("0"),
        validators=[InputRequired(_l("Enter a percentage between 0 and 100."))],
    )
    in_kind_counts = BooleanField(_l("In-kind contributions count as co-finance"), default=True)
    instruments = CheckboxesField(_l("Instruments offered"), choices=Instrument.choices())
    report_frequency = SelectField(
        _l("Progress and financial reports"),
        choices=choice_list(
            [
                ("quarterly", _l("Quarterly")),
                ("half_yearly", _l("Half-yearly")),
                ("milestones", _l("At each milestone")),
            ]
        ),
        default="quarterly",
        description=_l(
            "The default schedule of each award of this call: calendar quarters or halves "
            "(each report due some days after its period ends), or one report at each "
            "milestone. Staff can edit each award's schedule."
        ),
    )
    final_report_days = IntegerField(
        _l("Days after the end date for the final reports"),
        default=120,
        validators=[Optional()],
        description=_l(
            "2 CFR 200.344: 120 days for recipients; 90 days when the grantees are "
            "subrecipients of a pass-through entity."
        ),
    )

    def validate_thematic_areas_en(self, field) -> None:
        es, en = _lines(self.thematic_areas_es.data), _lines(field.data)
        if en and len(en) != len(es):
            raise ValidationError(_l("Give one English line for each Spanish line."))

    def to_data(self) -> dict:
        """Values for ``create_call``/``update_call``; local times become UTC."""
        tz = self.timezone.data
        data = {
            name: self[name].data
            for name in (
                "code",
                "title_es",
                "title_en",
                "description_es",
                "description_en",
                "all_states",
                "timezone",
                "budget",
                "min_award",
                "max_award",
                "cofinance_min_pct",
                "in_kind_counts",
                "report_frequency",
                "final_report_days",
            )
        }
        data["description_es"] = data["description_es"] or ""
        data["description_en"] = data["description_en"] or ""
        data["applicant_kinds"] = list(self.applicant_kinds.data or [])
        data["state_codes"] = [] if self.all_states.data else list(self.state_codes.data or [])
        data["instruments"] = list(self.instruments.data or [])
        es, en = _lines(self.thematic_areas_es.data), _lines(self.thematic_areas_en.data)
        data["thematic_areas"] = [
            {"es": text, "en": en[i] if i < len(en) else text} for i, text in enumerate(es)
        ]
        for name in ("opens_dt", "closes_dt"):
            data[name] = self._utc(name, tz)
        return data

    def _utc(self, name: str, tz: str):
        value = self[name].data
        if value is None:
            return None
        try:
            return local_to_utc(value, tz)
        except NonexistentLocalTimeError:
            raise LocalTimeError(name) from None

    def fill_from(self, call) -> None:
        """Pre-fill a GET form from the call (dates shown in the call's own zone)."""
        for name in (
            "code",
            "title_es",
            "title_en",
            "description_es",
            "description_en",
            "all_states",
            "timezone",
            "budget",
            "min_award",
            "max_award",
            "cofinance_min_pct",
            "in_kind_counts",
            "applicant_kinds",
            "state_codes",
            "report_frequency",
            "final_report_days",
        ):
            self[name].data = getattr(call, name)
        self.opens_dt.data = utc_to_local(call.opens_dt, call.timezone)
        self.closes_dt.data = utc_to_local(call.closes_dt, call.timezone)
        self.instruments.data = [i.value for i in call.instruments]
        self.thematic_areas_es.data = "\n".join(a["es"] for a in call.thematic_areas)
        self.thematic_areas_en.data = "\n".join(a["en"] for a in call.thematic_areas)


class LocalTimeError(ValueError):
    """A local time that does not exist in the chosen zone (skipped by a clock change)."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
