"""Forms: organisation profile, invitations, member roles and the switcher."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.core.fields import EmailField, HiddenField, StringField
from portal.core.forms import choice_list
from portal.core.i18n import LANGUAGE_NAMES
from portal.core.text import as_id
from portal.organisations.mexican_states import STATE_CHOICES
from portal.organisations.models import MemberRole, OrgKind, TaxResidence
from portal.organisations.operations import PROFILE_FIELDS, find_duplicate
from portal.organisations.rfc import RFCError, check_rfc

POSTAL_CODE = re.compile(r"^\d{5}$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value):
    value = _strip(value)
    return value or None


def _role_choices():
    return MemberRole.choices()


class OrganisationForm(FlaskForm):
    """Register or edit an organisation. ``exclude_id`` skips the organisation being edited
    in the duplicate-RFC check; ``duplicate_of`` is set when the RFC is already registered."""

    kind = RadioField(
        _l("Type of organisation"),
        choices=OrgKind.choices(),
        validators=[InputRequired(_l("Choose the type of organisation."))],
    )
    legal_name = StringField(
        _l("Legal name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the legal name.")), Length(max=300)],
        description=_l("As it appears on the tax certificate, e.g. “Fundación Ejemplo, A.C.”."),
    )
    tax_residence = SelectField(
        _l("Tax residence"),
        choices=TaxResidence.choices(),
        default=TaxResidence.MEXICO.value,
        validators=[InputRequired()],
    )
    rfc = StringField(
        _l("RFC"),
        validators=[InputRequired(_l("Enter the organisation's RFC."))],
        description=_l(
            "12 characters for legal entities, 13 for individuals. Foreign residents use "
            "XEXX010101000; the general public uses XAXX010101000."
        ),
    )
    cluni = StringField(
        _l("CLUNI (optional)"),
        filters=[_blank_to_none],
        validators=[Optional(), Length(max=40)],
        description=_l("Registry key of civil-society organisations, if you have one."),
    )
    is_donataria = BooleanField(_l("Authorised to receive tax-deductible donations (donataria)"))
    state_code = SelectField(
        _l("State"),
        choices=choice_list([("", _l("Choose a state")), *STATE_CHOICES]),
        validators=[InputRequired(_l("Choose a state."))],
    )
    municipality = StringField(
        _l("Municipality"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the municipality.")), Length(max=120)],
    )
    address = StringField(
        _l("Address"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the address.")), Length(max=400)],
    )
    postal_code = StringField(
        _l("Postal code (optional)"), filters=[_blank_to_none], validators=[Optional()]
    )
    website = StringField(
        _l("Website (optional)"),
        filters=[_blank_to_none],
        validators=[Optional(), Length(max=300)],
        description=_l("A full address starting with https://"),
    )
    legal_rep_name = StringField(
        _l("Legal representative"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the legal representative's name.")), Length(max=200)],
    )
    legal_rep_position = StringField(
        _l("Legal representative's position (optional)"),
        filters=[_blank_to_none],
        validators=[Optional(), Length(max=120)],
    )

    def __init__(self, *args, exclude_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.exclude_id = exclude_id
        self.duplicate_of = None
        self.clean_rfc: str | None = None

    def validate_state_code(self, field) -> None:
        if field.data not in dict(STATE_CHOICES):
            raise ValidationError(_l("Choose a state."))

    def validate_postal_code(self, field) -> None:
        if field.data and not POSTAL_CODE.match(field.data):
            raise ValidationError(_l("A postal code has 5 digits."))

    def validate_website(self, field) -> None:
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Enter a full web address starting with https:// or http://."))

    def validate_rfc(self, field) -> None:
        try:
            self.clean_rfc = check_rfc(field.data, self.tax_residence.data, self.kind.data)
        except RFCError as error:
            raise ValidationError(error.message) from None
        self.duplicate_of = find_duplicate(
            self.clean_rfc, self.tax_residence.data, exclude_id=self.exclude_id
        )
        if self.duplicate_of is not None:
            raise ValidationError(
                _l(
                    "An organisation with this RFC is already registered. Please ask its "
                    "owner to invite you to join it instead of registering it again."
                )
            )

    def profile_data(self) -> dict:
        """The validated values, ready for the operations (RFC normalised)."""
        data = {name: self[name].data for name in PROFILE_FIELDS}
        data["rfc"] = self.clean_rfc
        data["is_donataria"] = bool(data["is_donataria"])
        return data


def is_web_address(value: str) -> bool:
    """An absolute http(s) URL with a host name; nothing else (no javascript:, no ftp:)."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not parts.username


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            InputRequired(_l("Enter an e-mail address.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    role = SelectField(
        _l("Role"), choices=_role_choices, default=MemberRole.EDITOR.value, validators=[]
    )
    language = SelectField(
        _l("Language of the invitation e-mail"),
        choices=choice_list(LANGUAGE_NAMES.items()),
        description=_l("Used when the person has no account yet."),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices)


class SwitchForm(FlaskForm):
    organisation_id = HiddenField(validators=[InputRequired()])
    next = HiddenField()

    def chosen_id(self) -> int | None:
        return as_id(self.organisation_id.data)


class SearchForm(FlaskForm):
    """Staff search on the list of all organisations (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or RFC"), filters=[_blank_to_none], validators=[Optional()])
