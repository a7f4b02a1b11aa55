"""The audit log filter form (read from the query string; GET, so no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from portal.audit.actions import ACTIONS
from portal.audit.labels import action_label
from portal.core.fields import DateField, StringField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    object_type = StringField(_l("Object type"), validators=[Length(max=40)])
    object_id = StringField(_l("Object id"), validators=[Length(max=64)])
    action = SelectField(_l("Action"), choices=[], default="")
    user = StringField(_l("User (e-mail)"), validators=[Length(max=254)])
    organisation = StringField(_l("Organisation (name, RFC or id)"), validators=[Length(max=300)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("Any action"))]
        labelled = sorted((str(action_label(a)), a) for a in ACTIONS)
        self.action.choices += [SelectChoice(code, label) for label, code in labelled]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> dict:
        """The non-empty filters, stripped."""
        values = {
            name: (value.strip() if isinstance(value, str) else value)
            for name, value in self.data.items()
        }
        return {name: value for name, value in values.items() if value}
