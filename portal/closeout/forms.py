"""Closeout forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired, Length, Optional

from portal.applications.constants import BudgetCategory
from portal.closeout.operations import COFINANCE_CERTIFICATION
from portal.core.fields import MoneyField, StringField, TextAreaField


class CertifyForm(FlaskForm):
    certified = BooleanField(COFINANCE_CERTIFICATION)
    typed_name = StringField(
        _l("Your full name (as your signature)"), validators=[Optional(), Length(max=200)]
    )


class ConfirmForm(FlaskForm):
    """A button (the CSRF token only)."""


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the grant reopened?"), validators=[InputRequired(), Length(max=2000)]
    )


def expenditure_form_class():
    """One amount and one note per budget category."""

    class ExpenditureForm(FlaskForm):
        pass

    for category in BudgetCategory:
        setattr(
            ExpenditureForm,
            category.value,
            MoneyField(category.label, validators=[InputRequired()]),
        )
        setattr(
            ExpenditureForm,
            f"note_{category.value}",
            StringField(
                _l("Note on %(category)s", category=category.label),
                validators=[Optional(), Length(max=500)],
            ),
        )
    return ExpenditureForm
