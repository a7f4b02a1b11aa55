"""Pure rules of the calls domain: form snapshots, show-only-if, eligibility, time zones.

Nothing here writes to the database. ``form_snapshot(call)`` freezes a call's form as plain
JSON; the other functions work on that JSON, so a submitted application that stored its
snapshot can be re-evaluated years later exactly as it was answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.calls.constants import (
    KEY_RE,
    MONEY_CEILING,
    NO,
    NUMBER_CEILING,
    YES,
    QuestionKind,
)

SNAPSHOT_SCHEMA = 1


# Snapshots ---------------------------------------------------------------------------------
def _bilingual(obj, name: str) -> dict:
    return {"es": getattr(obj, f"{name}_es"), "en": getattr(obj, f"{name}_en")}


def _options(options: Iterable[Mapping]) -> list[dict]:
    return [{"key": o["key"], "label": {"es": o["es"], "en": o["en"]}} for o in options]


def question_snapshot(q) -> dict:
    show_if = {"key": q.show_if_key, "value": q.show_if_value} if q.show_if_key else None
    snapshot = {
        "key": q.key,
        "kind": q.kind,
        "label": _bilingual(q, "label"),
        "help": _bilingual(q, "help"),
        "required": q.required,
        "max_chars": q.max_chars,
        "options": _options(q.options),
        "document_slot": q.document_slot_key,
        "show_if": show_if,
    }
    if QuestionKind(q.kind).has_limits:
        snapshot.update(min=q.min_value, max=q.max_value)
    return snapshot


def ceiling(kind: str) -> Decimal:
    """The largest answer (and, negated, the smallest limit) a number or money question has."""
    return MONEY_CEILING if kind == QuestionKind.MONEY else NUMBER_CEILING


def number_bounds(question: Mapping) -> tuple[Decimal, Decimal]:
    """The smallest and largest answer a number or money question accepts: the limits staff
    set (``min``/``max`` in a snapshot), else 0 (no negatives) and the ceiling of its kind.
    Snapshots frozen before the limits existed have neither key: the defaults apply."""
    low, high = question.get("min"), question.get("max")
    return (
        Decimal(0) if low is None else Decimal(low),
        ceiling(question["kind"]) if high is None else Decimal(high),
    )


def slot_snapshot(s) -> dict:
    return {
        "key": s.key,
        "label": _bilingual(s, "label"),
        "allowed_types": list(s.allowed_types),
        "max_size_mb": s.max_size_mb,
        "mandatory": s.mandatory,
    }


def quiz_snapshot(q) -> dict:
    return {
        "key": q.key,
        "kind": q.kind,
        "label": _bilingual(q, "label"),
        "options": _options(q.options),
        "ineligible_answers": list(q.ineligible_answers),
        "reason": _bilingual(q, "reason"),
    }


def _by_position(rows):
    return sorted(rows, key=lambda r: (r.position, r.id or 0))


def form_snapshot(call) -> dict:
    """Everything an application answers, as JSON: stored with each submitted application."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "call": call.code,
        "version": call.form_version,
        "currency": call.currency,
        "applicants": {
            "kinds": sorted(call.applicant_kinds),
            "all_states": call.all_states,
            "states": sorted(call.state_codes),
        },
        "questions": [question_snapshot(q) for q in _by_position(call.questions)],
        "document_slots": [slot_snapshot(s) for s in _by_position(call.document_slots)],
        "eligibility": [quiz_snapshot(q) for q in _by_position(call.quiz_questions)],
    }


# Show-only-if ------------------------------------------------------------------------------
def normalise_answer(value):
    """Booleans become "yes"/"no"; lists stay lists; blanks become None."""
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def answer_matches(answer, expected: str) -> bool:
    answer = normalise_answer(answer)
    if isinstance(answer, list):
        return expected in answer
    return answer == expected


def visible_questions(snapshot: Mapping, answers: Mapping) -> list[dict]:
    """The questions shown for these answers, in form order.

    A question with ``show_if`` is visible only when the question it depends on is itself
    visible and its answer matches; a hidden question's answer never counts, so hiding
    cascades. A condition on an unknown or later question hides the question.
    """
    shown: list[dict] = []
    shown_keys: set[str] = set()
    for q in snapshot["questions"]:
        cond = q.get("show_if")
        if cond and not (
            cond["key"] in shown_keys and answer_matches(answers.get(cond["key"]), cond["value"])
        ):
            continue
        shown.append(q)
        shown_keys.add(q["key"])
    return shown


def required_document_slots(snapshot: Mapping, answers: Mapping) -> list[dict]:
    """Slots that must hold a document for these answers.

    A mandatory slot is required unless every question that places it in the form is hidden;
    any slot placed by a visible, required document question is required too.
    """
    visible = {q["key"] for q in visible_questions(snapshot, answers)}
    placed: dict[str, list[dict]] = {}
    for q in snapshot["questions"]:
        if q["kind"] == QuestionKind.DOCUMENT:
            placed.setdefault(q["document_slot"], []).append(q)
    required = []
    for slot in snapshot["document_slots"]:
        questions = placed.get(slot["key"], [])
        shown = [q for q in questions if q["key"] in visible]
        if (slot["mandatory"] and (not questions or shown)) or any(q["required"] for q in shown):
            required.append(slot)
    return required


# Eligibility -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ineligibility:
    """Why an applicant is not eligible. ``kind``: quiz, unanswered, applicant_kind, state."""

    kind: str
    key: str
    text: dict = field(default_factory=dict)  # {"es": ..., "en": ...}: reason or label

    def message(self) -> str:
        """The reason in the active language (needs an app context for the translations)."""
        from flask_babel import gettext as _

        from portal.core.i18n import current_language
        from portal.organisations.mexican_states import STATES
        from portal.organisations.models import OrgKind

        lang = current_language()
        text = self.text.get(lang) or self.text.get("es") or self.text.get("en") or ""
        if self.kind == "unanswered":
            return _("Not answered: %(question)s", question=text)
        if self.kind == "applicant_kind":
            kind = OrgKind.label_of(self.key)
            return _("This call is not open to this type of organisation (%(kind)s).", kind=kind)
        if self.kind == "state":
            name = next((s.name for s in STATES if s.inegi == self.key), self.key)
            return _("This call is not open to organisations based in %(state)s.", state=name)
        return text


def _quiz_of(call) -> tuple[list[dict], dict | None]:
    if isinstance(call, Mapping):
        return list(call.get("eligibility", [])), call.get("applicants")
    snap = {
        "kinds": list(call.applicant_kinds),
        "all_states": call.all_states,
        "states": list(call.state_codes),
    }
    return [quiz_snapshot(q) for q in _by_position(call.quiz_questions)], snap


def evaluate_eligibility(call, answers: Mapping, organisation=None) -> list[Ineligibility]:
    """Reasons why these quiz answers (and, if given, this organisation) are not eligible.

    ``call`` is a Call or a form snapshot. An empty list means eligible. Unanswered quiz
    questions are reasons too (an application cannot be submitted with them open).
    """
    quiz, applicants = _quiz_of(call)
    reasons: list[Ineligibility] = []
    for q in quiz:
        answer = normalise_answer(answers.get(q["key"]))
        if answer is None or isinstance(answer, list):
            reasons.append(Ineligibility("unanswered", q["key"], dict(q["label"])))
        elif answer in q["ineligible_answers"]:
            reasons.append(Ineligibility("quiz", q["key"], dict(q["reason"])))
    if organisation is not None and applicants is not None:
        reasons.extend(organisation_ineligibility(applicants, organisation))
    return reasons


def organisation_ineligibility(applicants: Mapping, organisation) -> list[Ineligibility]:
    reasons = []
    if applicants["kinds"] and organisation.kind not in applicants["kinds"]:
        reasons.append(Ineligibility("applicant_kind", organisation.kind))
    if not applicants["all_states"] and organisation.state_code not in applicants["states"]:
        reasons.append(Ineligibility("state", organisation.state_code))
    return reasons


# Options text ------------------------------------------------------------------------------
def parse_options(text: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """Parse "key | Spanish label | English label" lines.

    Returns (options, problems); a problem is (line number, "format" | "key" | "duplicate").
    """
    options: list[dict] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            problems.append((number, "format"))
            continue
        key, es, en = parts
        if not KEY_RE.match(key):
            problems.append((number, "key"))
        elif any(o["key"] == key for o in options):
            problems.append((number, "duplicate"))
        else:
            options.append({"key": key, "es": es, "en": en})
    return options, problems


def format_options(options: Iterable[Mapping]) -> str:
    return "\n".join(f"{o['key']} | {o['es']} | {o['en']}" for o in options)


# Time zones --------------------------------------------------------------------------------
class NonexistentLocalTimeError(ValueError):
    """The wall-clock time was skipped by a daylight-saving change in that zone."""


def local_to_utc(naive: datetime, tz: str) -> datetime:
    """A wall-clock time in ``tz`` as an aware UTC datetime (first occurrence if repeated)."""
    zone = ZoneInfo(tz)
    utc = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive.replace(tzinfo=None):
        raise NonexistentLocalTimeError(naive.isoformat())
    return utc


def utc_to_local(value: datetime | None, tz: str) -> datetime | None:
    """The naive wall-clock time in ``tz`` (for pre-filling datetime-local inputs)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
