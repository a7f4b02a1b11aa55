"""Forms of the second factor: one code field for an authenticator code or a recovery code,
the authenticator set-up, and the password for identity confirmation without a factor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from portal.accounts.passwords import MAX_LENGTH
from portal.core.fields import HiddenField, PasswordField, StringField

CODE_MAX = 40  # a recovery code with spaces and dashes fits easily


def _code_field(label=None, description=None):
    return StringField(
        label or _l("Authentication code"),
        validators=[
            DataRequired(message=_l("Enter the code.")),
            Length(max=CODE_MAX, message=_l("That is too long to be a code.")),
        ],
        description=description,
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class SecondFactorForm(FlaskForm):
    """A 6-digit authenticator code or a recovery code (``xxxxx-xxxxx``)."""

    code = _code_field(
        description=_l(
            "The 6-digit code your authenticator app shows. Lost your phone? Use one of your "
            "recovery codes instead."
        )
    )
    next = HiddenField()


class TotpSetupForm(FlaskForm):
    code = _code_field(
        _l("Code from the app"),
        _l("After scanning, your app shows a 6-digit code that changes every 30 seconds."),
    )
    enrolment = HiddenField()
    next = HiddenField()


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
