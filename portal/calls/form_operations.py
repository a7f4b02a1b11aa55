"""Building a call's application form and its document slots (see also ``quiz_operations``
and ``notice_operations``).

Every change is audited on the call. After the call's first publication each change to the
form, the slots or the quiz creates a new frozen form version (``form_changed``); keys and
kinds are then frozen, and a key used by an earlier version is never reused.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal.audit.operations import diff, record
from portal.calls.constants import (
    DOCUMENT_TYPES,
    KEY_RE,
    LONG_TEXT_MAX_CHARS,
    MAX_DOCUMENT_MB,
    SHORT_TEXT_MAX_CHARS,
    QuestionKind,
)
from portal.calls.form_models import CallDocumentSlot, FormQuestion
from portal.calls.models import Call
from portal.calls.operations import form_changed, used_keys
from portal.calls.rules import ceiling, number_bounds
from portal.core.db import db
from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_number


def _require_editable(call: Call) -> None:
    if not call.is_editable:
        raise InputError({"": [_("A closed or archived call can no longer be edited.")]})


def _audit(action: str, call: Call, prefix: str, before: dict, after: dict, actor) -> None:
    """Changes to a call's parts are logged on the call, fields prefixed with the part."""
    changes = {f"{prefix}.{k}": v for k, v in diff(before, after).items()}
    record(action, call, changes=changes, user=actor)


def _check_key(call: Call, rows, key: str, row, section: str) -> list[str]:
    """Slug, unique in ``rows``, frozen after publication, never reusing an earlier key."""
    if row is not None and call.ever_published and key != row.key:
        return [_("The key cannot change once the call has been published.")]
    if not KEY_RE.match(key or ""):
        return [
            _(
                "Use lower-case letters, digits and underscores, starting with a letter "
                "(at most 40 characters)."
            )
        ]
    if any(r.key == key and r is not row for r in rows):
        return [_("Another item of this call already uses the key %(key)s.", key=key)]
    if row is None and call.ever_published and key in used_keys(call, section):
        return [_("An earlier version of the form used the key %(key)s; choose another.", key=key)]
    return []


def _renumber(rows) -> None:
    for position, row in enumerate(sorted(rows, key=lambda r: (r.position, r.id or 0))):
        row.position = position


def _swap(rows, row, direction: str):
    """Move ``row`` one place up or down in ``rows``; returns the neighbour or None."""
    _renumber(rows)
    ordered = sorted(rows, key=lambda r: r.position)
    index = ordered.index(row) + (-1 if direction == "up" else 1)
    if direction not in ("up", "down") or not 0 <= index < len(ordered):
        return None
    other = ordered[index]
    row.position, other.position = other.position, row.position
    return other


# Questions ---------------------------------------------------------------------------------
QUESTION_FIELDS = (
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
    "options",
    "document_slot_key",
    "show_if_key",
    "show_if_value",
)


def add_question(call: Call, data: dict, actor) -> FormQuestion:
    _require_editable(call)
    data = _clean_question(data)
    raise_if(_check_question(call, data, None))
    question = FormQuestion(**data, position=len(call.questions))
    call.questions.append(question)
    db.session.flush()
    _audit(
        "call.question_added", call, f"question.{question.key}", {}, question.audit_fields(), actor
    )
    form_changed(call, actor)
    return question


def update_question(question: FormQuestion, data: dict, actor) -> FormQuestion:
    call = question.call
    _require_editable(call)
    data = _clean_question(data)
    raise_if(_check_question(call, data, question))
    before = question.audit_fields()
    for name in QUESTION_FIELDS:
        setattr(question, name, data[name])
    db.session.flush()
    if before != question.audit_fields():
        _audit(
            "call.question_updated",
            call,
            f"question.{question.key}",
            before,
            question.audit_fields(),
            actor,
        )
        form_changed(call, actor)
    return question


def delete_question(question: FormQuestion, actor) -> None:
    call = question.call
    _require_editable(call)
    dependants = [q.key for q in call.questions if q.show_if_key == question.key]
    if dependants:
        raise InputError(
            {
                "": [
                    _(
                        "Questions %(keys)s depend on this one; change them first.",
                        keys=", ".join(dependants),
                    )
                ]
            }
        )
    before = question.audit_fields()
    call.questions.remove(question)
    _renumber(call.questions)
    db.session.flush()
    _audit("call.question_removed", call, f"question.{before['key']}", before, {}, actor)
    form_changed(call, actor)


def move_question(question: FormQuestion, direction: str, actor) -> None:
    """Swap with the neighbour; a question never moves above the question it depends on."""
    call = question.call
    _require_editable(call)
    other = _swap(call.questions, question, direction)
    if other is None:
        return
    upper, lower = (other, question) if direction == "down" else (question, other)
    if upper.show_if_key == lower.key:
        upper.position, lower.position = lower.position, upper.position
        raise InputError(
            {
                "": [
                    _(
                        "Question %(key)s depends on %(other)s and must stay below it.",
                        key=upper.key,
                        other=lower.key,
                    )
                ]
            }
        )
    db.session.flush()
    record(
        "call.question_moved",
        call,
        changes={f"question.{question.key}.position": [other.position, question.position]},
        user=actor,
    )
    form_changed(call, actor)


def _clean_question(data: dict) -> dict:
    """Drop settings that do not apply to the question's kind."""
    data = {name: data.get(name) for name in QUESTION_FIELDS}
    kind = data["kind"]
    data["required"] = bool(data["required"])
    data["help_es"] = data["help_es"] or ""
    data["help_en"] = data["help_en"] or ""
    if kind not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        data["max_chars"] = None
    if kind not in (QuestionKind.NUMBER, QuestionKind.MONEY):
        data["min_value"] = data["max_value"] = None
    if kind not in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        data["options"] = []
    if kind != QuestionKind.DOCUMENT:
        data["document_slot_key"] = None
    if not data["show_if_key"]:
        data["show_if_key"] = data["show_if_value"] = None
    data["options"] = list(data["options"] or [])
    return data


def _check_question(call: Call, data: dict, question: FormQuestion | None) -> dict:
    errors: dict[str, list[str]] = {
        "key": _check_key(call, call.questions, data["key"], question, "questions")
    }
    if data["kind"] not in {k.value for k in QuestionKind}:
        errors["kind"] = [_("Choose a kind of question.")]
        return errors
    if question is not None and call.ever_published and data["kind"] != question.kind:
        errors["kind"] = [_("The kind cannot change once the call has been published.")]
    errors["max_chars"] = _check_max_chars(data["kind"], data["max_chars"])
    errors.update(_check_limits(data["kind"], data["min_value"], data["max_value"]))
    if QuestionKind(data["kind"]).has_options and len(data["options"]) < 2:
        errors["options"] = [_("Give at least two options.")]
    if data["kind"] == QuestionKind.DOCUMENT and not any(
        s.key == data["document_slot_key"] for s in call.document_slots
    ):
        errors["document_slot_key"] = [_("Choose one of the call's document slots.")]
    errors["show_if_key"] = _check_condition(call, data, question)
    errors["options"] = errors.get("options") or _check_dependants(call, data, question)
    return errors


def _check_max_chars(kind: str, limit: int | None) -> list[str]:
    if kind == QuestionKind.LONG_TEXT and not limit:
        return [_("Give the character limit of the answer.")]
    ceiling = LONG_TEXT_MAX_CHARS if kind == QuestionKind.LONG_TEXT else SHORT_TEXT_MAX_CHARS
    if limit is not None and not 1 <= limit <= ceiling:
        return [_("The limit must be between 1 and %(max)s characters.", max=ceiling)]
    return []


def _check_limits(kind: str, low: int | None, high: int | None) -> dict[str, list[str]]:
    """Whole numbers within the kind's ceiling (either sign), the minimum not above the
    maximum; an empty minimum counts as 0, so an empty one with a negative maximum is refused."""
    if kind not in (QuestionKind.NUMBER, QuestionKind.MONEY):
        return {}
    top = int(ceiling(kind))
    errors: dict[str, list[str]] = {}
    for name, value in (("min_value", low), ("max_value", high)):
        if value is not None and not -top <= value <= top:
            errors[name] = [
                _(
                    "Enter a whole number between %(low)s and %(high)s.",
                    low=format_number(-top),
                    high=format_number(top),
                )
            ]
    if errors:
        return errors
    smallest, largest = number_bounds({"kind": kind, "min": low, "max": high})
    if smallest > largest:
        errors["max_value"] = [
            _(
                "The largest answer cannot be smaller than the smallest one (%(low)s).",
                low=format_number(smallest),
            )
        ]
    return errors


def _check_condition(call: Call, data: dict, question: FormQuestion | None) -> list[str]:
    """The condition names an earlier question that has set answers, and one of them."""
    key = data["show_if_key"]
    if not key:
        return []
    ordered = sorted(call.questions, key=lambda q: q.position)
    earlier = ordered[: ordered.index(question)] if question is not None else ordered
    target = next((q for q in earlier if q.key == key), None)
    if target is None or not target.kind_enum.can_be_condition:
        return [_("Choose an earlier yes/no or choice question.")]
    if data["show_if_value"] not in target.answer_keys():
        return [
            _(
                "The expected answer must be one of: %(answers)s.",
                answers=", ".join(target.answer_keys()),
            )
        ]
    return []


def _check_dependants(call: Call, data: dict, question: FormQuestion | None) -> list[str]:
    """Questions that depend on this one must still find their expected answer."""
    if question is None:
        return []
    probe = FormQuestion(kind=data["kind"], options=data["options"])
    answers = probe.answer_keys() if probe.kind_enum.can_be_condition else []
    broken = [
        q.key
        for q in call.questions
        if q.show_if_key == question.key and q.show_if_value not in answers
    ]
    if broken:
        return [
            _("Questions %(keys)s depend on an answer this change removes.", keys=", ".join(broken))
        ]
    return []


# Document slots ----------------------------------------------------------------------------
SLOT_FIELDS = ("key", "label_es", "label_en", "allowed_types", "max_size_mb", "mandatory")


def add_slot(call: Call, data: dict, actor) -> CallDocumentSlot:
    _require_editable(call)
    raise_if(_check_slot(call, data, None))
    slot = CallDocumentSlot(**{f: data[f] for f in SLOT_FIELDS}, position=len(call.document_slots))
    call.document_slots.append(slot)
    db.session.flush()
    _audit("call.slot_added", call, f"slot.{slot.key}", {}, slot.audit_fields(), actor)
    form_changed(call, actor)
    return slot


def update_slot(slot: CallDocumentSlot, data: dict, actor) -> CallDocumentSlot:
    call = slot.call
    _require_editable(call)
    raise_if(_check_slot(call, data, slot))
    before = slot.audit_fields()
    for name in SLOT_FIELDS:
        setattr(slot, name, data[name])
    db.session.flush()
    if before != slot.audit_fields():
        _audit("call.slot_updated", call, f"slot.{slot.key}", before, slot.audit_fields(), actor)
        form_changed(call, actor)
    return slot


def delete_slot(slot: CallDocumentSlot, actor) -> None:
    call = slot.call
    _require_editable(call)
    users = [q.key for q in call.questions if q.document_slot_key == slot.key]
    if users:
        raise InputError(
            {"": [_("Questions %(keys)s use this slot; change them first.", keys=", ".join(users))]}
        )
    before = slot.audit_fields()
    call.document_slots.remove(slot)
    _renumber(call.document_slots)
    db.session.flush()
    _audit("call.slot_removed", call, f"slot.{before['key']}", before, {}, actor)
    form_changed(call, actor)


def _check_slot(call: Call, data: dict, slot: CallDocumentSlot | None) -> dict:
    errors = {"key": _check_key(call, call.document_slots, data["key"], slot, "document_slots")}
    if (
        slot is not None
        and data["key"] != slot.key
        and any(q.document_slot_key == slot.key for q in call.questions)
    ):
        errors["key"] = errors["key"] or [_("Questions use this slot; its key cannot change.")]
    types = data["allowed_types"] or []
    if not types or set(types) - set(DOCUMENT_TYPES):
        errors["allowed_types"] = [_("Choose at least one allowed file type.")]
    size = data["max_size_mb"]
    if size is None or not 1 <= size <= MAX_DOCUMENT_MB:
        errors["max_size_mb"] = [
            _("The maximum size must be between 1 and %(max)s MB.", max=MAX_DOCUMENT_MB)
        ]
    return errors
