"""The application form built from a form snapshot: one WTForms field per question.

Fields are named ``q_<key>`` (also their HTML id, so checklist links land on them). Saving a
draft checks only the shape of each answer (length, number, date, known option); whether
required questions are answered is the checklist's job, so a half-written draft always saves.
Answers are stored as JSON primitives: text, decimal strings, ISO dates, option keys.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import Length, Optional, ValidationError

from portal.calls.constants import SHORT_TEXT_MAX_CHARS, QuestionKind, YesNo
from portal.calls.forms import CheckboxesField
from portal.calls.rules import number_bounds
from portal.core.fields import DateField, DecimalField, MoneyField, StringField, TextAreaField
from portal.core.forms import choice_list
from portal.core.i18n import current_language, format_money, format_number

PREFIX = "q_"


def _text(texts: dict) -> str:
    return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""


def _multiline(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _options(question: dict) -> list[tuple[str, str]]:
    return [(o["key"], _text(o["label"])) for o in question.get("options") or ()]


class MarkRequired:
    """Flags the field as required for display (asterisk) without refusing a blank draft."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def make_field(question: dict, currency: str | None = None):
    """The field for one question, or None for document questions (uploads are separate);
    ``currency`` (the snapshot's) is named in the limits of money questions."""
    kind = question["kind"]
    label = _text(question["label"])
    help_text = _text(question.get("help") or {})
    optional = [Optional(), MarkRequired()] if question.get("required") else [Optional()]
    common = {"label": label, "description": help_text, "validators": list(optional)}
    if kind == QuestionKind.SHORT_TEXT:
        limit = question.get("max_chars") or SHORT_TEXT_MAX_CHARS
        common["validators"] = [*optional, Length(max=limit)]
        return StringField(filters=[_multiline], **common)
    if kind == QuestionKind.LONG_TEXT:
        common["validators"] = [*optional, Length(max=question["max_chars"])]
        return TextAreaField(filters=[_multiline], render_kw={"rows": 6}, **common)
    if kind == QuestionKind.NUMBER:
        common["validators"] = [*optional, _reasonable_number, WithinLimits(question)]
        return DecimalField(
            **common, render_kw={"inputmode": "decimal"}, places=None, limit=NUMBER_LIMIT
        )
    if kind == QuestionKind.MONEY:
        common["validators"] = [*optional, WithinLimits(question, currency)]
        return MoneyField(**common, render_kw={"type": "text", "inputmode": "decimal"})
    if kind == QuestionKind.DATE:
        return DateField(**common)
    if kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(choices=choice_list(_options(question)), **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return CheckboxesField(choices=choice_list(_options(question)), **common)
    if kind == QuestionKind.YES_NO:
        return RadioField(choices=YesNo.choices(), **common)
    return None


NUMBER_LIMIT = Decimal(10) ** 15


def _reasonable_number(form, field) -> None:
    value = field.data
    if value is not None and (not value.is_finite() or abs(value) >= NUMBER_LIMIT):
        raise ValidationError(_l("Enter a number such as 1250 or 12.5."))
    if value is not None and value.as_tuple().exponent < -6:
        raise ValidationError(_l("Use at most six decimal places."))


def limits_message(question: dict, currency: str | None = None) -> str:
    """The refusal of an answer out of the question's limits, such as "Enter a number between
    1 and 1,000,000." (amounts with their currency)."""
    low, high = number_bounds(question)
    if question["kind"] == QuestionKind.MONEY and currency:
        return _l(
            "Enter an amount between %(min)s and %(max)s.",
            min=format_money(low, currency),
            max=format_money(high, currency),
        )
    return _l(
        "Enter a number between %(min)s and %(max)s.",
        min=format_number(low),
        max=format_number(high),
    )


class WithinLimits:
    """The answer lies between the question's minimum and maximum (``rules.number_bounds``)."""

    def __init__(self, question: dict, currency: str | None = None):
        self.question, self.currency = question, currency

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None or not value.is_finite():
            return
        low, high = number_bounds(self.question)
        if not low <= value <= high:
            raise ValidationError(limits_message(self.question, self.currency))


def field_name(question: dict) -> str:
    return f"{PREFIX}{question['key']}"


def add_question_fields(form_class: type, snapshot: dict) -> type:
    """A subclass of ``form_class`` with one field per (non-document) question."""
    fields = {}
    for question in snapshot["questions"]:
        field = make_field(question, snapshot.get("currency"))
        if field is not None:
            fields[field_name(question)] = field
    return type("ApplicationAnswersForm", (form_class,), fields)


def to_stored(question: dict, value):
    """A field's data as the JSON value stored in ``Application.answers``."""
    if value is None or value == "" or value == []:
        return None
    kind = question["kind"]
    if kind == QuestionKind.NUMBER:
        return _plain_decimal(value)
    if kind == QuestionKind.MONEY:
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind == QuestionKind.DATE:
        return value.isoformat()
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return [str(v) for v in value]
    return str(value)


def _plain_decimal(value) -> str:
    return format(Decimal(value).normalize(), "f")


def to_field(question: dict, stored):
    """The stored answer as the field's ``data`` (for pre-filling the form)."""
    if stored is None:
        return [] if question["kind"] == QuestionKind.MULTIPLE_CHOICE else None
    kind = question["kind"]
    try:
        if kind in (QuestionKind.NUMBER, QuestionKind.MONEY):
            return Decimal(str(stored))
        if kind == QuestionKind.DATE:
            return date.fromisoformat(str(stored))
    except (ValueError, ArithmeticError):
        return None
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return list(stored) if isinstance(stored, list) else []
    return stored


def answers_from_form(snapshot: dict, form) -> dict:
    """Every (non-document) question's answer from a validated form."""
    answers = {}
    for question in snapshot["questions"]:
        name = field_name(question)
        if name in form._fields:
            answers[question["key"]] = to_stored(question, form[name].data)
    return answers


def prefill(form, snapshot: dict, answers: dict) -> None:
    for question in snapshot["questions"]:
        name = field_name(question)
        if name in form._fields:
            form[name].data = to_field(question, answers.get(question["key"]))


def display_answer(question: dict, stored, currency: str | None = None, formatted=True) -> str:
    """An answer as text for the status page and the acknowledgement PDF (dates, numbers and
    amounts in the reader's locale) or, ``formatted=False``, for exports (ISO dates, plain
    decimals); choices always show their labels."""
    if stored is None or stored == "" or stored == []:
        return ""
    kind = question["kind"]
    labels = dict(_options(question))
    if kind == QuestionKind.YES_NO:
        return str(YesNo.label_of(stored))
    if kind == QuestionKind.SINGLE_CHOICE:
        return labels.get(stored, str(stored))
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return "; ".join(labels.get(v, str(v)) for v in stored)
    if formatted:
        return _formatted(kind, stored, currency)
    return str(stored)


def _formatted(kind: str, stored, currency: str | None) -> str:
    from portal.core.i18n import format_day, format_money, format_number

    try:
        if kind == QuestionKind.DATE:
            return format_day(date.fromisoformat(str(stored)), "long")
        if kind == QuestionKind.MONEY and currency:
            return format_money(Decimal(str(stored)), currency)
        if kind == QuestionKind.NUMBER:
            return format_number(Decimal(str(stored)))
    except (ValueError, ArithmeticError):
        pass
    return str(stored)


NOT_ANSWERED = _l("Not answered")
