"""Forms of the report pages (shape only; the operations check the business rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from portal.calls.constants import QuestionKind
from portal.calls.forms import _multiline, _strip
from portal.core.fields import DateField, IntegerField, StringField, TextAreaField
from portal.core.forms import choice_list
from portal.reports.constants import (
    CERTIFICATION,
    COMMENT_MAX_CHARS,
    ReportKind,
)
from portal.reports.questions import REPORT_QUESTION_KINDS


class AnswersBase(FlaskForm):
    """The report's answers (one field per question is added from the snapshot)."""


class SubmitForm(FlaskForm):
    certified = BooleanField(CERTIFICATION)
    typed_name = StringField(
        _l("Your full name (signature)"), validators=[Optional(), Length(max=200)]
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        filters=[_multiline],
        validators=[Optional(), Length(max=COMMENT_MAX_CHARS)],
        render_kw={"rows": 3},
    )


class ApproveForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment for the grantee (optional)"),
        filters=[_multiline],
        validators=[Optional(), Length(max=COMMENT_MAX_CHARS)],
        render_kw={"rows": 3},
    )


def return_form(questions: list[dict], label_of):
    """One comment box per question (``c_<key>``) and a general one."""
    fields = {
        f"c_{q['key']}": TextAreaField(
            _l("Comment on: %(question)s", question=label_of(q)),
            filters=[_multiline],
            validators=[Optional(), Length(max=COMMENT_MAX_CHARS)],
            render_kw={"rows": 2},
        )
        for q in questions
    }
    fields["general"] = TextAreaField(
        _l("General comment"),
        filters=[_multiline],
        validators=[Optional(), Length(max=COMMENT_MAX_CHARS)],
        render_kw={"rows": 3},
        description=_l("At least one comment (here or on a question) is needed to return it."),
    )
    return type("ReturnForm", (FlaskForm,), fields)


class ScheduleForm(FlaskForm):
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to"), validators=[Optional()])
    due_on = DateField(
        _l("Due date"),
        validators=[Optional()],
        description=_l("A calendar day in the programme's time zone."),
    )
    gates_milestone_id = SelectField(
        _l("Payment that waits for this report's approval"),
        coerce=int,
        choices=[],
        validate_choice=False,
        description=_l(
            "As the award's terms say: the payment of this milestone cannot be approved before "
            "this report is."
        ),
    )


class AddReportForm(ScheduleForm):
    kind = SelectField(_l("Kind of report"), choices=ReportKind.choices())


def milestone_choices(award) -> list:
    return choice_list(
        [
            (0, _l("None")),
            *(
                (m.id, f"{n}. {m.deliverable[:80]}")
                for n, m in enumerate(award.milestones, start=1)
            ),
        ]
    )


class ReportQuestionForm(FlaskForm):
    report_kind = SelectField(_l("Report"), choices=ReportKind.choices())
    key = StringField(
        _l("Key"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter a key.")), Length(max=40)],
        description=_l("A short stable name such as activities, lower-case letters and _."),
    )
    kind = SelectField(
        _l("Kind of question"),
        choices=choice_list((k, QuestionKind(k).label) for k in REPORT_QUESTION_KINDS),
    )
    label_es = StringField(
        _l("Label (Spanish)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the label in Spanish.")), Length(max=500)],
    )
    label_en = StringField(
        _l("Label (English)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the label in English.")), Length(max=500)],
    )
    help_es = TextAreaField(
        _l("Help text (Spanish)"), filters=[_multiline], validators=[Length(max=2000)]
    )
    help_en = TextAreaField(
        _l("Help text (English)"), filters=[_multiline], validators=[Length(max=2000)]
    )
    required = BooleanField(_l("An answer is required"))
    max_chars = IntegerField(
        _l("Character limit"),
        validators=[Optional()],
        description=_l("For text questions (long text: up to 20,000)."),
    )
    position = IntegerField(_l("Position"), validators=[Optional()], limit=1000)
    options = TextAreaField(
        _l("Options"),
        render_kw={"rows": 4},
        description=_l(
            'For single choice: one option per line, "key | Spanish label | English label".'
        ),
    )
