"""Administration forms. Filter forms are read from the query string (no CSRF on GET)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.roles import Role
from portal.admin.operations import INVITABLE_ROLES
from portal.core.fields import EmailField, StringField
from portal.core.i18n import LANGUAGE_NAMES

STATUS_CHOICES = [
    SelectChoice("", _l("Any status")),
    SelectChoice("active", _l("Active")),
    SelectChoice("invited", _l("Invitation pending")),
    SelectChoice("deactivated", _l("Deactivated")),
]
OUTBOX_STATUS_CHOICES = [
    SelectChoice("", _l("Any status")),
    SelectChoice("pending", _l("Pending")),
    SelectChoice("sent", _l("Sent")),
    SelectChoice("logged", _l("Logged (not sent)")),
    SelectChoice("failed", _l("Failed")),
]


class MultiCheckboxField(SelectMultipleField):
    """One checkbox per choice (rendered by ``admin/_macros.html:checkboxes``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _squash(value):
    """Trim and collapse inner runs of spaces."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _email(value):
    return value.strip().lower() if isinstance(value, str) else value


def _at_least_one(form, field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one role."))


class InviteForm(FlaskForm):
    full_name = StringField(
        _l("Full name"), filters=[_squash], validators=[DataRequired(), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail"), filters=[_email], validators=[DataRequired(), Email(), Length(max=254)]
    )
    roles = MultiCheckboxField(
        _l("Roles"), choices=Role.choices(INVITABLE_ROLES), validators=[_at_least_one]
    )
    locale = SelectField(
        _l("Language for e-mails"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        default="es",
    )


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=Role.choices())


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("Any role")), *Role.choices()], default=""
    )
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="")


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=OUTBOX_STATUS_CHOICES, default="")


class ResetSecondFactorForm(FlaskForm):
    """The administrator confirms a second-factor reset by ticking the box."""

    confirm = BooleanField(
        _l("I have checked that the request comes from this person"),
        validators=[DataRequired(message=_l("Tick the box to confirm the reset."))],
    )
