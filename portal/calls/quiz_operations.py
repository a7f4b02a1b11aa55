"""The eligibility quiz of a call: yes/no or single-choice questions whose answers can make
an applicant ineligible, each with the reason shown. Versioned with the form."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.audit.operations import record
from portal.calls.constants import QuizKind
from portal.calls.form_models import EligibilityQuestion
from portal.calls.form_operations import _audit, _check_key, _renumber, _require_editable, _swap
from portal.calls.models import Call
from portal.calls.operations import form_changed
from portal.core.db import db
from portal.core.errors import raise_if

# Eligibility quiz --------------------------------------------------------------------------
QUIZ_FIELDS = (
    "key",
    "kind",
    "label_es",
    "label_en",
    "options",
    "ineligible_answers",
    "reason_es",
    "reason_en",
)


def add_quiz_question(call: Call, data: dict, actor) -> EligibilityQuestion:
    _require_editable(call)
    data = _clean_quiz(data)
    raise_if(_check_quiz(call, data, None))
    item = EligibilityQuestion(**data, position=len(call.quiz_questions))
    call.quiz_questions.append(item)
    db.session.flush()
    _audit("call.quiz_question_added", call, f"quiz.{item.key}", {}, item.audit_fields(), actor)
    form_changed(call, actor)
    return item


def update_quiz_question(item: EligibilityQuestion, data: dict, actor) -> EligibilityQuestion:
    call = item.call
    _require_editable(call)
    data = _clean_quiz(data)
    raise_if(_check_quiz(call, data, item))
    before = item.audit_fields()
    for name in QUIZ_FIELDS:
        setattr(item, name, data[name])
    db.session.flush()
    if before != item.audit_fields():
        _audit(
            "call.quiz_question_updated",
            call,
            f"quiz.{item.key}",
            before,
            item.audit_fields(),
            actor,
        )
        form_changed(call, actor)
    return item


def delete_quiz_question(item: EligibilityQuestion, actor) -> None:
    call = item.call
    _require_editable(call)
    before = item.audit_fields()
    call.quiz_questions.remove(item)
    _renumber(call.quiz_questions)
    db.session.flush()
    _audit("call.quiz_question_removed", call, f"quiz.{before['key']}", before, {}, actor)
    form_changed(call, actor)


def move_quiz_question(item: EligibilityQuestion, direction: str, actor) -> None:
    call = item.call
    _require_editable(call)
    other = _swap(call.quiz_questions, item, direction)
    if other is None:
        return
    db.session.flush()
    record(
        "call.quiz_question_moved",
        call,
        changes={f"quiz.{item.key}.position": [other.position, item.position]},
        user=actor,
    )
    form_changed(call, actor)


def _clean_quiz(data: dict) -> dict:
    data = {name: data.get(name) for name in QUIZ_FIELDS}
    if data["kind"] != QuizKind.SINGLE_CHOICE:
        data["options"] = []
    data["options"] = list(data["options"] or [])
    data["ineligible_answers"] = list(data["ineligible_answers"] or [])
    return data


def _check_quiz(call: Call, data: dict, item: EligibilityQuestion | None) -> dict:
    errors = {"key": _check_key(call, call.quiz_questions, data["key"], item, "eligibility")}
    if data["kind"] not in {k.value for k in QuizKind}:
        errors["kind"] = [_("Choose a kind of question.")]
        return errors
    if item is not None and call.ever_published and data["kind"] != item.kind:
        errors["kind"] = [_("The kind cannot change once the call has been published.")]
    probe = EligibilityQuestion(kind=data["kind"], options=data["options"])
    if data["kind"] == QuizKind.SINGLE_CHOICE and len(data["options"]) < 2:
        errors["options"] = [_("Give at least two options.")]
        return errors
    bad = set(data["ineligible_answers"])
    if not bad or bad - set(probe.answer_keys()):
        errors["ineligible_answers"] = [
            _(
                "Give the answers that make an applicant ineligible, from: %(answers)s.",
                answers=", ".join(probe.answer_keys()),
            )
        ]
    elif bad >= set(probe.answer_keys()):
        errors["ineligible_answers"] = [_("At least one answer must leave the applicant eligible.")]
    return errors
