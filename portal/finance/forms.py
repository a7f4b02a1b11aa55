"""Forms of the finance pages (shape only; the operations check the business rules)."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from portal.applications.constants import BudgetCategory, CountsAs, Nature
from portal.core.fields import DateField, HiddenField, MoneyField, StringField, TextAreaField
from portal.core.forms import choice_list
from portal.finance.constants import CERTIFICATION, RATE_SOURCES


class RequestForm(FlaskForm):
    milestone_id = SelectField(
        _l("Milestone or tranche"), coerce=int, choices=[], validate_choice=False
    )
    amount = MoneyField(_l("Amount requested"), validators=[InputRequired()])
    narrative = TextAreaField(
        _l("Evidence of the deliverable"),
        validators=[InputRequired(), Length(max=10000)],
        description=_l("What was delivered and how it can be verified; add documents next."),
    )


class ExpenseForm(FlaskForm):
    category = SelectField(_l("Budget category"), choices=BudgetCategory.choices())
    description = StringField(_l("Description"), validators=[InputRequired(), Length(max=300)])
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])


class CfdiForm(FlaskForm):
    xml = FileField(_l("CFDI electronic invoice (XML)"), validators=[InputRequired()])


class SubmitForm(FlaskForm):
    certified = BooleanField(CERTIFICATION)
    typed_name = StringField(
        _l("Your full name (signature)"), validators=[Optional(), Length(max=200)]
    )


class DeliverableForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=choice_list(
            [
                ("approve", _l("Approve the deliverable")),
                ("changes", _l("Request changes")),
                ("reject", _l("Reject the request")),
            ]
        ),
    )
    comment = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])


class ApprovePaymentForm(FlaskForm):
    amount = MoneyField(_l("Amount approved for payment"), validators=[InputRequired()])
    comment = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])


def new_key() -> str:
    return secrets.token_urlsafe(24)


class DisbursementForm(FlaskForm):
    """``idempotency_key`` is generated when the form is rendered: a resubmission of the same
    page carries the same key and records once."""

    idempotency_key = HiddenField(validators=[InputRequired(), Length(min=16, max=64)])
    paid_on = DateField(_l("Payment date"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount paid"), validators=[InputRequired()])
    currency = SelectField(
        _l("Currency paid"), choices=choice_list([("MXN", "MXN"), ("USD", "USD")])
    )
    exchange_rate = StringField(
        _l("Exchange rate (award currency per unit paid)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Only when paid in another currency than the award."),
    )
    rate_source = SelectField(
        _l("Source of the exchange rate"),
        choices=choice_list([("", "—"), *RATE_SOURCES.items()]),
        validators=[Optional()],
    )
    bank_reference = StringField(
        _l("Bank reference"), validators=[InputRequired(), Length(max=100)]
    )
    clabe = StringField(
        _l("CLABE of the receiving account"),
        validators=[InputRequired(), Length(max=30)],
        description=_l("18 digits."),
    )


class RefundForm(DisbursementForm):
    """Unspent funds returned by the grantee (a refund entry; a resubmission records once)."""

    paid_on = DateField(_l("Date the refund was received"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount refunded"), validators=[InputRequired()])
    currency = SelectField(
        _l("Currency refunded"), choices=choice_list([("MXN", "MXN"), ("USD", "USD")])
    )
    bank_reference = StringField(
        _l("Bank reference of the refund"), validators=[InputRequired(), Length(max=100)]
    )
    clabe = StringField(
        _l("CLABE of the account the refund came from"),
        validators=[InputRequired(), Length(max=30)],
        description=_l("18 digits."),
    )
    advance_id = SelectField(
        _l("Settles an outstanding advance"),
        coerce=int,
        validators=[Optional()],
        description=_l("Choose the advance when the refund returns part of it."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReversalForm(FlaskForm):
    idempotency_key = HiddenField(validators=[InputRequired(), Length(min=16, max=64)])
    paid_on = DateField(_l("Date of the correction"), validators=[InputRequired()])
    bank_reference = StringField(
        _l("Bank reference of the return"), validators=[Optional(), Length(max=100)]
    )
    note = TextAreaField(
        _l("Why is this entry reversed?"), validators=[InputRequired(), Length(max=2000)]
    )


class ContributionForm(FlaskForm):
    commitment_id = SelectField(
        _l("Commitment in the agreement"), coerce=int, choices=[], validate_choice=False
    )
    contributor_name = StringField(
        _l("Contributor"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to use the commitment's contributor."),
    )
    nature = SelectField(_l("Cash or in kind"), choices=Nature.choices())
    counts_as = SelectField(_l("Counts as"), choices=CountsAs.choices())
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])
    valuation_basis = TextAreaField(
        _l("Valuation basis (required in kind)"), validators=[Optional(), Length(max=2000)]
    )
    contributed_on = DateField(_l("Date of the contribution"), validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class VerifyForm(FlaskForm):
    decision = SelectField(
        _l("Decision"), choices=choice_list([("verify", _l("Verify")), ("reject", _l("Reject"))])
    )
    reason = TextAreaField(
        _l("Reason (required to reject)"), validators=[Optional(), Length(max=2000)]
    )
