"""Forms of the applications domain.

Forms check shape only; the rules (statuses, deadlines, budget consistency) live in the
operations, whose messages the views attach to the same field names.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.applications.answers import add_question_fields
from portal.applications.constants import (
    MESSAGE_MAX,
    TITLE_MAX,
    ApplicationStatus,
    BudgetCategory,
    ContributorType,
    CountsAs,
    Nature,
)
from portal.calls.constants import QuizKind, YesNo
from portal.core.enums import LabelledEnum
from portal.core.fields import HiddenField, IntegerField, MoneyField, StringField, TextAreaField
from portal.core.forms import TranslatedForm, choice_list
from portal.core.i18n import current_language


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _multiline(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


# The calls domain's MoneyField accepts "1,500,000.00"; a text input lets people type it.
MONEY_INPUT = {"type": "text", "inputmode": "decimal", "autocomplete": "off"}


def _text(texts: dict) -> str:
    return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""


# Optimistic locking ---------------------------------------------------------------------------
class VersionedForm(FlaskForm):
    """Carries the ``version_id`` the page was built from, so a stale save is refused."""

    version_id = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version_id.data)
        except (TypeError, ValueError):
            return None


# Answers ------------------------------------------------------------------------------------
class AnswersBase(VersionedForm):
    title = StringField(
        _l("Title of the application"),
        filters=[_strip],
        validators=[Optional(), Length(max=TITLE_MAX)],
        description=_l("A short name for your project; staff see it in their lists."),
    )


def answers_form(snapshot: dict, formdata=None):
    """The form for ``snapshot``; ``formdata=None`` binds to the request as usual."""
    form_class = add_question_fields(AnswersBase, snapshot)
    return form_class() if formdata is None else form_class(formdata=formdata)


# Eligibility --------------------------------------------------------------------------------
class QuizBase(FlaskForm):
    """Its submit buttons: ``check`` (see the result) and ``save_anyway`` (keep a draft even
    though the answers are not eligible)."""


def quiz_form(snapshot: dict, version: int | None = None):
    """One radio group per quiz question (``e_<key>``), from a form snapshot."""
    fields = {}
    for question in snapshot.get("eligibility", []):
        if question["kind"] == QuizKind.YES_NO:
            choices = YesNo.choices()
        else:
            choices = choice_list((o["key"], _text(o["label"])) for o in question["options"])
        fields[f"e_{question['key']}"] = RadioField(
            _text(question["label"]),
            choices=choices,
            validators=[InputRequired(_l("Answer this question."))],
        )
    base = VersionedQuiz if version is not None else QuizBase
    return type("EligibilityQuizForm", (base,), fields)()


class VersionedQuiz(QuizBase, VersionedForm):
    pass


def quiz_answers(form) -> dict:
    return {
        name.removeprefix("e_"): field.data
        for name, field in form._fields.items()
        if name.startswith("e_")
    }


# Budget -------------------------------------------------------------------------------------
def _choices(vocabulary: type[LabelledEnum], blank: bool = False) -> list[SelectChoice]:
    items = vocabulary.choices()
    return [SelectChoice("", _l("— choose —")), *items] if blank else items


class LineForm(TranslatedForm):
    id = IntegerField(validators=[Optional()])
    category = SelectField(_l("Category"), choices=_choices(BudgetCategory, blank=True))
    description = StringField(
        _l("Description"), filters=[_strip], validators=[Optional(), Length(max=300)]
    )
    requested = MoneyField(
        _l("Requested from the programme"), validators=[Optional()], render_kw=MONEY_INPUT
    )
    cofinance = MoneyField(_l("Co-finance"), validators=[Optional()], render_kw=MONEY_INPUT)
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        amounts = (self.requested.data, self.cofinance.data)
        return not (self.id.data or self.description.data) and all(a is None for a in amounts)


class SourceForm(TranslatedForm):
    id = IntegerField(validators=[Optional()])
    contributor_name = StringField(
        _l("Contributor"), filters=[_strip], validators=[Optional(), Length(max=200)]
    )
    contributor_type = SelectField(
        _l("Type of contributor"), choices=_choices(ContributorType, blank=True)
    )
    nature = SelectField(_l("Cash or in kind"), choices=_choices(Nature))
    counts_as = SelectField(_l("Cost share or leverage"), choices=_choices(CountsAs))
    amount = MoneyField(_l("Committed amount"), validators=[Optional()], render_kw=MONEY_INPUT)
    valuation_basis = TextAreaField(
        _l("Valuation basis (in kind)"),
        filters=[_multiline],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
        description=_l("E.g. fair rental value of the space, or volunteer hours × local rate."),
    )
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        filled = (self.id.data, self.contributor_name.data, self.valuation_basis.data)
        return not any(filled) and self.amount.data is None


class BudgetForm(VersionedForm):
    lines = FieldList(FormField(LineForm), min_entries=0)
    sources = FieldList(FormField(SourceForm), min_entries=0)

    def line_rows(self) -> list[dict]:
        return [_row(entry.form) for entry in self.lines]

    def source_rows(self) -> list[dict]:
        return [_row(entry.form) for entry in self.sources]


def _row(sub) -> dict:
    data = {name: field.data for name, field in sub._fields.items()}
    data["blank"] = sub.is_blank()
    return data


EXTRA_LINES = 3
EXTRA_SOURCES = 2


def budget_form(application, formdata=None) -> BudgetForm:
    """Existing rows plus a few blank ones (no JavaScript needed to add rows)."""
    if formdata is not None:
        return BudgetForm(formdata=formdata)
    form = BudgetForm()
    if form.is_submitted():
        return form
    form.version_id.data = application.version_id
    for line in application.lines:
        form.lines.append_entry(
            {
                "id": line.id,
                "category": line.category,
                "description": line.description,
                "requested": line.requested,
                "cofinance": line.cofinance,
            }
        )
    for _ in range(EXTRA_LINES):
        form.lines.append_entry()
    for source in application.sources:
        form.sources.append_entry(
            {
                "id": source.id,
                "contributor_name": source.contributor_name,
                "contributor_type": source.contributor_type,
                "nature": source.nature,
                "counts_as": source.counts_as,
                "amount": source.amount,
                "valuation_basis": source.valuation_basis,
            }
        )
    for _ in range(EXTRA_SOURCES):
        form.sources.append_entry()
    return form


# Submission, withdrawal, thread ---------------------------------------------------------------
class SubmitForm(FlaskForm):
    confirm = BooleanField(
        _l("I confirm that the information in this application is true, complete and accurate."),
        validators=[InputRequired(_l("Confirm the statement to submit."))],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        filters=[_multiline],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    confirm = BooleanField(
        _l("Yes, withdraw this application."),
        validators=[InputRequired(_l("Tick the box to confirm the withdrawal."))],
    )


class RequestInformationForm(FlaskForm):
    message = TextAreaField(
        _l("What do you need from the applicant?"),
        filters=[_multiline],
        validators=[InputRequired(_l("Write the request.")), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 5},
    )


class ReplyForm(FlaskForm):
    message = TextAreaField(
        _l("Your answer"),
        filters=[_multiline],
        validators=[InputRequired(_l("Write your answer.")), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 5},
    )
    attachment = FileField(
        _l("Attachment (optional)"),
        description=_l("PDF, Word, Excel, CSV, JPEG or PNG."),
    )


# Staff list ---------------------------------------------------------------------------------
LISTED_STATUSES = [s for s in ApplicationStatus if s != ApplicationStatus.DRAFT]
SORTS = {
    "submitted": _l("Submission date"),
    "reference": _l("Reference"),
    "organisation": _l("Organisation"),
    "title": _l("Title"),
    "requested": _l("Amount requested"),
    "cofinance": _l("Co-finance percentage"),
    "status": _l("Status"),
}


class StaffFilterForm(TranslatedForm):
    """Read from the query string (GET; changes nothing, so no CSRF token)."""

    q = StringField(_l("Search title or organisation"), filters=[_strip])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status")), *ApplicationStatus.choices(LISTED_STATUSES)],
        default="",
    )
    # default="": an absent filter is "any", not an invalid choice shown in red.
    state = SelectField(_l("State"), choices=[], default="")
    kind = SelectField(_l("Applicant type"), choices=[], default="")
    pct_min = IntegerField(
        _l("Co-finance (percentage) from"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    pct_max = IntegerField(_l("to"), validators=[Optional(), NumberRange(min=0, max=100)])
    requested_min = MoneyField(_l("Requested from"), validators=[Optional()], render_kw=MONEY_INPUT)
    requested_max = MoneyField(_l("to"), validators=[Optional()], render_kw=MONEY_INPUT)
    sort = SelectField(_l("Sort by"), choices=choice_list(SORTS.items()), default="submitted")
    direction = SelectField(
        _l("Order"),
        choices=choice_list([("asc", _l("Ascending")), ("desc", _l("Descending"))]),
        default="asc",
    )

    @classmethod
    def from_args(cls, args):
        from portal.organisations.mexican_states import STATE_CHOICES
        from portal.organisations.models import OrgKind

        form = cls(args)
        form.state.choices = choice_list([("", _l("Any state")), *STATE_CHOICES])
        form.kind.choices = [SelectChoice("", _l("Any type")), *OrgKind.choices()]
        return form

    def filters(self) -> dict:
        """Valid filters only: a bad value is ignored (and shown as an error)."""
        self.validate()
        return {
            name: field.data
            for name, field in self._fields.items()
            if not field.errors and field.data not in (None, "")
        }
