"""Forms of the review domain. They parse and check shape; the operations check the rules
(score range and step, thresholds, who may be assigned) and their messages come back on the
same field names. Scoring and consensus forms are built per rubric (``score_<criterion id>``).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.calls.forms import CheckboxesField
from portal.core.fields import (
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    StringField,
    TextAreaField,
)
from portal.core.forms import choice_list
from portal.core.i18n import localized
from portal.reviews import scoring
from portal.reviews.constants import (
    COMMENT_MAX,
    NOTE_MAX,
    REVIEW_DECISIONS,
    SCREENING_REASONS,
    ScreeningOutcome,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _multiline(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


class NumberField(DecimalField):
    """A decimal typed as "3.5" or, Spanish style, "3,5" (blank → None)."""

    message = too_large = _l("Enter a number such as 3 or 3.5.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        kwargs.setdefault("limit", Decimal(10**6))
        super().__init__(*args, places=None, decimal_comma=True, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return (
            format(self.data.normalize(), "f")
            if self.data == self.data.to_integral()
            else str(self.data)
        )


class ActionForm(FlaskForm):
    """Buttons that only need the CSRF token."""


# Screening ---------------------------------------------------------------------------------------
class ScreeningForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"),
        choices=ScreeningOutcome.choices(),
        validators=[InputRequired(_l("Choose a decision."))],
    )
    reasons = CheckboxesField(
        _l("Reasons (when screening out)"),
        choices=choice_list(SCREENING_REASONS.items()),
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Explanation or question for the applicant"),
        filters=[_multiline],
        validators=[Length(max=NOTE_MAX)],
        description=_l(
            "Shown to the applicant with a negative decision; sent as the question when you ask "
            "for more information."
        ),
        render_kw={"rows": 4},
    )


# Rubric ------------------------------------------------------------------------------------------
class RubricForm(FlaskForm):
    half_points = BooleanField(_l("Allow half points (such as 3.5)"))
    overall_threshold = NumberField(
        _l("Overall threshold (weighted total on 100)"),
        validators=[Optional(), NumberRange(0, 100, _l("Enter a threshold between 0 and 100."))],
        description=_l(
            "Applications below it are listed apart from the ranking. Leave blank for none."
        ),
    )
    tie_criterion_id = SelectField(
        _l("Ties: first compare the score on this criterion"), coerce=int, choices=[]
    )
    tie_use_cofinance = BooleanField(_l("Ties: then prefer the higher co-finance percentage"))

    def set_criteria(self, criteria) -> None:
        self.tie_criterion_id.choices = choice_list(
            [(0, _l("(no criterion)")), *((c.id, localized(c, "title")) for c in criteria)]
        )


class CriterionForm(FlaskForm):
    title_es = StringField(
        _l("Title (Spanish)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in Spanish.")), Length(max=200)],
    )
    title_en = StringField(
        _l("Title (English)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in English.")), Length(max=200)],
    )
    guidance_es = TextAreaField(
        _l("Guidance for reviewers (Spanish)"),
        filters=[_multiline],
        validators=[Length(max=COMMENT_MAX)],
        render_kw={"rows": 3},
    )
    guidance_en = TextAreaField(
        _l("Guidance for reviewers (English)"),
        filters=[_multiline],
        validators=[Length(max=COMMENT_MAX)],
        render_kw={"rows": 3},
    )
    weight = NumberField(_l("Weight"), validators=[InputRequired(_l("Enter a weight."))])
    max_score = NumberField(
        _l("Maximum score"),
        default=Decimal(5),
        validators=[InputRequired(_l("Enter the maximum."))],
    )
    min_score = NumberField(
        _l("Minimum score to pass this criterion (optional)"), validators=[Optional()]
    )
    comments_required = BooleanField(_l("Reviewers must comment on this criterion"))
    position = IntegerField(
        _l("Position in the rubric"),
        validators=[Optional(), NumberRange(0, 99, _l("Enter a number from 0 to 99."))],
    )


# Panel -------------------------------------------------------------------------------------------
class PanelForm(FlaskForm):
    reviewers_per_application = IntegerField(
        _l("Reviewers per application"),
        default=3,
        validators=[
            InputRequired(_l("Enter a number from 1 to 10.")),
            NumberRange(1, 10, _l("Enter a number from 1 to 10.")),
        ],
    )
    blind = BooleanField(
        _l("Blind review: reviewers do not see the applicant's name, RFC, members or file names"),
        default=True,
    )
    show_scores_after_submit = BooleanField(
        _l("Reviewers may see the other reviews' scores after submitting their own")
    )
    chair_id = SelectField(_l("Chair of the panel"), coerce=int, choices=[])
    reviews_due = DateField(
        _l("Reviews due by"),
        validators=[Optional()],
        description=_l("Reviewers see this date on their home page; leave empty for none."),
    )

    def set_members(self, members) -> None:
        self.chair_id.choices = choice_list(
            [(0, _l("(no chair yet)")), *((m.user_id, m.user.full_name) for m in members)]
        )


class AddMemberForm(FlaskForm):
    user_id = SelectField(_l("Reviewer"), coerce=int, choices=[])


class InviteExpertForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the expert's name.")), Length(max=200)],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter an e-mail address.")), Email(), Length(max=254)],
    )
    locale = SelectField(
        _l("Language of the invitation"),
        choices=choice_list([("es", "Español"), ("en", "English")]),
    )


class AssignForm(FlaskForm):
    reviewer_id = SelectField(_l("Add a reviewer"), coerce=int, choices=[])


# Reviewer ----------------------------------------------------------------------------------------
class DeclarationForm(FlaskForm):
    conflict = RadioField(
        _l("Conflict of interest"),
        choices=choice_list(
            [
                ("no", _l("I have no conflict of interest with this application")),
                ("yes", _l("I have a conflict of interest and recuse myself")),
            ]
        ),
        validators=[InputRequired(_l("Choose one of the two declarations."))],
    )
    note = TextAreaField(
        _l("Describe the conflict (required if you have one)"),
        filters=[_multiline],
        validators=[Length(max=NOTE_MAX)],
        render_kw={"rows": 3},
    )


# Scores ------------------------------------------------------------------------------------------
def score_rule(maximum, half_points: bool):
    """The rubric's scale in words: the help text and the message of a refused score."""
    if half_points:
        return _l(
            "Enter a score from 0 to %(max)s in whole or half points, such as 3 or 3.5.",
            max=_plain(maximum),
        )
    return _l("Enter a whole number from 0 to %(max)s.", max=_plain(maximum))


class ScoreOnScale:
    """Refuses a score outside 0–maximum or off the rubric's step (whole or half points)."""

    def __init__(self, maximum, half_points: bool):
        self.maximum, self.half_points = Decimal(maximum), bool(half_points)

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        if scoring.score_problems(field.data, self.maximum, self.half_points):
            raise ValidationError(score_rule(self.maximum, self.half_points))


def score_field(label, criterion, half_points: bool) -> NumberField:
    """A score input limited to the rubric's scale: min, max and step for the browser, the
    same rule checked on the server (the operations check it again)."""
    maximum = Decimal(criterion.max_score)
    step = Decimal("0.5") if half_points else Decimal(1)
    return NumberField(
        label,
        validators=[Optional(), ScoreOnScale(maximum, half_points)],
        description=score_rule(maximum, half_points),
        render_kw={
            "inputmode": "decimal",
            "autocomplete": "off",
            "min": "0",
            "max": _plain(maximum),
            "step": str(step),
        },
    )


def review_form_class(rubric):
    """A form with ``score_<id>`` and ``comment_<id>`` per criterion, plus the overall comment."""
    fields = {}
    for criterion in rubric.criteria:
        fields[f"score_{criterion.id}"] = score_field(
            _l("Score (0–%(max)s)", max=_plain(criterion.max_score)), criterion, rubric.half_points
        )
        fields[f"comment_{criterion.id}"] = TextAreaField(
            _l("Comment"),
            filters=[_multiline],
            validators=[Length(max=COMMENT_MAX)],
            render_kw={"rows": 3},
        )
    fields["overall_comment"] = TextAreaField(
        _l("Overall comment"),
        filters=[_multiline],
        validators=[Length(max=COMMENT_MAX)],
        render_kw={"rows": 4},
    )
    return type("ReviewForm", (FlaskForm,), fields)


def consensus_form_class(rubric):
    fields = {
        f"score_{c.id}": score_field(
            _l("Agreed score (0–%(max)s)", max=_plain(c.max_score)), c, rubric.half_points
        )
        for c in rubric.criteria
    }
    fields["summary"] = TextAreaField(
        _l("Consensus summary (shown to the applicant)"),
        filters=[_multiline],
        validators=[Length(max=COMMENT_MAX)],
        render_kw={"rows": 5},
    )
    fields["minority_views"] = TextAreaField(
        _l("Minority views (not shown to the applicant)"),
        filters=[_multiline],
        validators=[Length(max=COMMENT_MAX)],
        render_kw={"rows": 3},
    )
    return type("ConsensusForm", (FlaskForm,), fields)


def _plain(value) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


# Staff -------------------------------------------------------------------------------------------
class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for reopening"),
        filters=[_multiline],
        validators=[
            InputRequired(_l("Give the reason for reopening the review.")),
            Length(max=NOTE_MAX),
        ],
        render_kw={"rows": 2},
    )


class DecisionForm(FlaskForm):
    status = RadioField(
        _l("Decision"),
        choices=list(REVIEW_DECISIONS),
        validators=[InputRequired(_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Note for the timeline (optional)"),
        filters=[_multiline],
        validators=[Length(max=NOTE_MAX)],
        render_kw={"rows": 2},
    )

    def set_labels(self, label_of) -> None:
        self.status.choices = choice_list((s, label_of(s)) for s in REVIEW_DECISIONS)


def committee_form_class(rows):
    fields = {
        f"pos_{row.id}": IntegerField(
            _l("Position of %(reference)s", reference=row.reference),
            validators=[InputRequired(_l("Enter a position.")), NumberRange(1, 999)],
        )
        for row in rows
    }
    fields["note"] = TextAreaField(
        _l("How the committee decided"),
        filters=[_multiline],
        validators=[InputRequired(_l("Record how the committee decided.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 2},
    )
    return type("CommitteeOrderForm", (FlaskForm,), fields)
