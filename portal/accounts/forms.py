"""Account forms. The password policy lives in ``passwords.password_problems``; the forms show
its reasons as field errors. Labels and messages are lazy so they follow the active language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.accounts.passwords import MAX_LENGTH, password_problems
from portal.core.fields import EmailField, HiddenField, PasswordField, StringField
from portal.core.forms import choice_list
from portal.core.i18n import LANGUAGE_NAMES, current_language

# The zones offered on the profile page: Mexico's zones (see domain notes) plus UTC.
COMMON_TIMEZONES = (
    ("America/Mexico_City", _l("Central time: Mexico City and most of the country")),
    ("America/Monterrey", _l("Central time: Nuevo León and Coahuila")),
    ("America/Merida", _l("Central time: Yucatán and Campeche")),
    ("America/Matamoros", _l("Central time with US daylight saving: Tamaulipas border")),
    ("America/Chihuahua", _l("Chihuahua")),
    ("America/Mazatlan", _l("Pacific time: Sinaloa, Nayarit and Baja California Sur")),
    ("America/Hermosillo", _l("Sonora (no daylight saving)")),
    ("America/Tijuana", _l("Northwest: Baja California (US daylight saving)")),
    ("America/Cancun", _l("Southeast: Quintana Roo")),
    ("UTC", _l("Coordinated Universal Time")),
)

NAME_MAX = 200
EMAIL_MAX = 254


def language_choices() -> list[SelectChoice]:
    return choice_list(LANGUAGE_NAMES.items())


def timezone_choices(current: str | None = None) -> list[SelectChoice]:
    """Common zones labelled "zone — description"; keeps a user's other zone selectable."""
    choices = [(zone, f"{zone} — {label}") for zone, label in COMMON_TIMEZONES]
    if current and current not in dict(COMMON_TIMEZONES):
        choices.append((current, current))
    return choice_list(choices)


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=EMAIL_MAX),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        render_kw={"autocomplete": "email"},
    )


def _new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(message=_l("Choose a password."))],
        description=_l(
            "At least 12 characters. A few unrelated words make a strong, memorable password."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field():
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class _NewPasswordMixin:
    """Checks ``password`` against the policy; ``policy_email`` is the account's address."""

    policy_email: str | None = None

    def validate_password(self, field) -> None:
        email = self.policy_email or getattr(getattr(self, "email", None), "data", None)
        problems = password_problems(field.data or "", email)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


class RegisterForm(_NewPasswordMixin, FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter your full name.")), Length(max=NAME_MAX)],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password = _new_password_field()
    confirm = _confirm_field()
    locale = SelectField(_l("Preferred language"), choices=language_choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("locale", current_language())
        super().__init__(*args, **kwargs)


class LoginForm(FlaskForm):
    # No format check here: any input simply fails to log in, with the one generic message.
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class EmailOnlyForm(FlaskForm):
    """Forgot password and resend verification: one e-mail field."""

    email = _email_field()


class ResetPasswordForm(_NewPasswordMixin, FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()

    def __init__(self, *args, policy_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_email = policy_email


class ChangePasswordForm(_NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(message=_l("Enter your current password.")),
            Length(max=MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()

    def __init__(self, *args, policy_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_email = policy_email


class ProfileForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter your full name.")), Length(max=NAME_MAX)],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        render_kw={"autocomplete": "name"},
    )
    locale = SelectField(_l("Language"), choices=language_choices)
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Dates and deadlines are shown in this time zone."),
    )

    def __init__(self, *args, current_timezone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(current_timezone)
