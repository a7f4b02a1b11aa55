"""Forms of the form builder: questions, document slots, quiz questions, notices.

Options of choice questions are typed one per line as "key | Spanish | English" (no
JavaScript needed); ``to_data`` returns None after marking the lines it could not read.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from portal.calls.constants import (
    DOCUMENT_TYPES,
    MONEY_CEILING,
    NUMBER_CEILING,
    NoticeKind,
    QuestionKind,
    QuizKind,
)
from portal.calls.forms import CheckboxesField, _blank_to_none, _multiline, _strip
from portal.calls.rules import format_options, parse_options
from portal.core.fields import IntegerField, StringField, TextAreaField
from portal.core.forms import choice_list

# Limits are checked against the ceilings by the operation; the field only keeps them within
# the BigInteger columns so that a 20-digit number is a message, not an overflow.
LIMIT_INPUT_BOUND = 10**15

# Form builder ------------------------------------------------------------------------------
OPTIONS_HELP = _l(
    'One option per line: "key | Spanish label | English label", e.g. '
    '"cso | Organización civil | Civil-society organisation". Keys are lower-case.'
)


def _option_errors(problems) -> list[str]:
    messages = []
    for n, code in problems:
        if code == "format":
            messages.append(_("Line %(n)s: write key | Spanish label | English label.", n=n))
        elif code == "key":
            messages.append(
                _("Line %(n)s: the key must be lower-case letters, digits or underscores.", n=n)
            )
        else:
            messages.append(_("Line %(n)s: this key is already used by another option.", n=n))
    return messages


class _Bilingual(FlaskForm):
    key = StringField(
        _l("Key"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter a key.")), Length(max=40)],
        description=_l(
            "A short stable name such as project_summary, used in exports. It cannot change "
            "once the call is published."
        ),
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


class QuestionForm(_Bilingual):
    kind = SelectField(
        _l("Kind of question"),
        choices=QuestionKind.choices(),
        validators=[InputRequired()],
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
        description=_l("Required for long text; optional for short text (at most 500)."),
    )
    min_value = IntegerField(
        _l("Smallest answer accepted"),
        limit=LIMIT_INPUT_BOUND,
        validators=[Optional()],
        description=_l(
            "For number and amount questions, a whole number. Empty: 0 (negative answers are "
            "refused unless you enter a negative minimum)."
        ),
    )
    max_value = IntegerField(
        _l("Largest answer accepted"),
        limit=LIMIT_INPUT_BOUND,
        validators=[Optional()],
        description=_l(
            "For number and amount questions, a whole number. Empty: up to %(number)s for a "
            "number and %(amount)s for an amount.",
            number=f"{NUMBER_CEILING:,}",
            amount=f"{MONEY_CEILING:,.2f}",
        ),
    )
    options = TextAreaField(_l("Options"), description=OPTIONS_HELP, render_kw={"rows": 5})
    document_slot_key = SelectField(
        _l("Document slot"),
        choices=[],
        validate_choice=False,
        description=_l("For document questions: which of the call's document slots."),
    )
    show_if_key = SelectField(
        _l("Show only if question"),
        choices=[],
        validate_choice=False,
        description=_l("Leave empty to always show the question."),
    )
    show_if_value = StringField(
        _l("…has the answer"),
        filters=[_blank_to_none],
        validators=[Optional(), Length(max=40)],
        description=_l('"yes" or "no", or the key of an option.'),
    )

    def set_choices(self, call, question=None) -> None:
        from portal.core.i18n import localized

        self.document_slot_key.choices = choice_list(
            [
                ("", "—"),
                *((s.key, f"{s.key} — {localized(s, 'label')}") for s in call.document_slots),
            ]
        )
        earlier = sorted(call.questions, key=lambda q: q.position)
        if question is not None:
            earlier = earlier[: earlier.index(question)]
        self.show_if_key.choices = choice_list(
            [
                ("", _("Always show")),
                *(
                    (q.key, f"{q.key} — {localized(q, 'label')}")
                    for q in earlier
                    if q.kind_enum.can_be_condition
                ),
            ]
        )

    def fill_from(self, question) -> None:
        for name in (
            "key",
            "kind",
            "label_es",
            "label_en",
            "help_es",
            "help_en",
            "required",
            "max_chars",
            "min_value",
            "max_value",
            "document_slot_key",
            "show_if_key",
            "show_if_value",
        ):
            self[name].data = getattr(question, name)
        self.options.data = format_options(question.options)

    def to_data(self) -> dict | None:
        """The question's values, or None when the options text has problems."""
        options, problems = parse_options(self.options.data)
        if problems and QuestionKind(self.kind.data).has_options:
            self.options.errors = list(self.options.errors or []) + _option_errors(problems)
            return None
        data = {name: self[name].data for name in self._fields if name != "csrf_token"}
        data["options"] = options
        data["document_slot_key"] = data["document_slot_key"] or None
        data["show_if_key"] = data["show_if_key"] or None
        return data


class SlotForm(_Bilingual):
    allowed_types = CheckboxesField(
        _l("Allowed file types"),
        choices=choice_list((key, label) for key, (label, _mimes) in DOCUMENT_TYPES.items()),
        default=["pdf"],
    )
    max_size_mb = IntegerField(
        _l("Maximum size (MB)"),
        default=10,
        validators=[InputRequired(_l("Enter the maximum size in MB (1 to 25)."))],
    )
    mandatory = BooleanField(_l("Mandatory"), default=True)

    def fill_from(self, slot) -> None:
        for name in ("key", "label_es", "label_en", "allowed_types", "max_size_mb", "mandatory"):
            self[name].data = getattr(slot, name)

    def to_data(self) -> dict:
        data = {name: self[name].data for name in self._fields if name != "csrf_token"}
        data["allowed_types"] = list(data["allowed_types"] or [])
        return data


class QuizForm(_Bilingual):
    kind = RadioField(
        _l("Kind of question"),
        choices=QuizKind.choices(),
        default=QuizKind.YES_NO.value,
        validators=[InputRequired()],
    )
    options = TextAreaField(
        _l("Options (single choice only)"), description=OPTIONS_HELP, render_kw={"rows": 5}
    )
    ineligible_answers = StringField(
        _l("Answers that make the applicant ineligible"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Give at least one answer that makes the applicant ineligible."))
        ],
        description=_l('"yes" or "no", or option keys separated by commas.'),
    )
    reason_es = TextAreaField(
        _l("Reason shown (Spanish)"),
        filters=[_multiline],
        validators=[InputRequired(_l("Explain the reason in Spanish.")), Length(max=2000)],
    )
    reason_en = TextAreaField(
        _l("Reason shown (English)"),
        filters=[_multiline],
        validators=[InputRequired(_l("Explain the reason in English.")), Length(max=2000)],
    )

    def fill_from(self, item) -> None:
        for name in ("key", "kind", "label_es", "label_en", "reason_es", "reason_en"):
            self[name].data = getattr(item, name)
        self.options.data = format_options(item.options)
        self.ineligible_answers.data = ", ".join(item.ineligible_answers)

    def to_data(self) -> dict | None:
        options, problems = parse_options(self.options.data)
        if problems and self.kind.data == QuizKind.SINGLE_CHOICE:
            self.options.errors = list(self.options.errors or []) + _option_errors(problems)
            return None
        data = {name: self[name].data for name in self._fields if name != "csrf_token"}
        data["options"] = options
        data["ineligible_answers"] = [
            part.strip().lower()
            for part in (self.ineligible_answers.data or "").split(",")
            if part.strip()
        ]
        return data


class NoticeForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=NoticeKind.choices(),
        default=NoticeKind.ANNOUNCEMENT.value,
        validators=[InputRequired()],
    )
    title_es = StringField(
        _l("Title or question (Spanish)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in Spanish.")), Length(max=300)],
    )
    title_en = StringField(
        _l("Title or question (English)"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the title in English.")), Length(max=300)],
    )
    body_es = TextAreaField(
        _l("Text or answer (Spanish)"), filters=[_multiline], validators=[Length(max=10000)]
    )
    body_en = TextAreaField(
        _l("Text or answer (English)"), filters=[_multiline], validators=[Length(max=10000)]
    )

    def to_data(self) -> dict:
        data = {name: self[name].data for name in self._fields if name != "csrf_token"}
        data["body_es"] = data["body_es"] or ""
        data["body_en"] = data["body_en"] or ""
        return data
