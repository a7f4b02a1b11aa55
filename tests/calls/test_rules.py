"""Pure rules: show-only-if, required documents, eligibility, options text, time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.calls.rules import (
    NonexistentLocalTimeError,
    evaluate_eligibility,
    local_to_utc,
    parse_options,
    required_document_slots,
    utc_to_local,
    visible_questions,
)


def q(key, kind="short_text", show_if=None, required=False, slot=None):
    return {
        "key": key,
        "kind": kind,
        "required": required,
        "document_slot": slot,
        "show_if": dict(zip(("key", "value"), show_if, strict=True)) if show_if else None,
    }


SNAPSHOT = {
    "questions": [
        q("has_partners", "yes_no"),
        q("partners", "long_text", show_if=("has_partners", "yes")),
        q("partner_letter", "document", show_if=("partners", "x"), slot="letter"),
        q("sector", "multiple_choice"),
        q("courts_detail", show_if=("sector", "courts")),
        q("agreement", "document", show_if=("has_partners", "yes"), required=True, slot="mou"),
        q("budget_note", "document", slot="annex"),
    ],
    "document_slots": [
        {"key": "workplan", "mandatory": True},
        {"key": "mou", "mandatory": False},
        {"key": "letter", "mandatory": True},
        {"key": "annex", "mandatory": False},
    ],
}


def keys(questions):
    return [item["key"] for item in questions]


def test_unconditional_questions_always_show():
    assert keys(visible_questions(SNAPSHOT, {})) == ["has_partners", "sector", "budget_note"]


def test_condition_met_shows_the_question():
    shown = keys(visible_questions(SNAPSHOT, {"has_partners": "yes"}))
    assert shown == ["has_partners", "partners", "sector", "agreement", "budget_note"]


def test_booleans_count_as_yes_and_no():
    assert "partners" in keys(visible_questions(SNAPSHOT, {"has_partners": True}))
    assert "partners" not in keys(visible_questions(SNAPSHOT, {"has_partners": False}))


def test_multiple_choice_condition_matches_any_selected_option():
    assert "courts_detail" in keys(visible_questions(SNAPSHOT, {"sector": ["police", "courts"]}))
    assert "courts_detail" not in keys(visible_questions(SNAPSHOT, {"sector": ["police"]}))


def test_hiding_cascades_even_if_the_hidden_answer_matches():
    # "partners" is hidden (has_partners = no), so its stale answer "x" must not count.
    shown = keys(visible_questions(SNAPSHOT, {"has_partners": "no", "partners": "x"}))
    assert "partner_letter" not in shown


def test_condition_on_unknown_question_hides():
    snap = {"questions": [q("a", show_if=("missing", "yes"))]}
    assert visible_questions(snap, {"missing": "yes"}) == []


def test_required_slots_follow_visibility():
    required = keys(required_document_slots(SNAPSHOT, {"has_partners": "no"}))
    # workplan: mandatory, not placed; letter: mandatory but only placed by a hidden question.
    assert required == ["workplan"]
    required = keys(required_document_slots(SNAPSHOT, {"has_partners": "yes", "partners": "x"}))
    # mou: not mandatory, but placed by a visible required question; annex stays optional.
    assert required == ["workplan", "mou", "letter"]


QUIZ = {
    "eligibility": [
        {
            "key": "registered",
            "kind": "yes_no",
            "label": {"es": "¿Registrada?", "en": "Registered?"},
            "options": [],
            "ineligible_answers": ["no"],
            "reason": {"es": "Debe estar registrada.", "en": "Must be registered."},
        },
        {
            "key": "sector",
            "kind": "single_choice",
            "label": {"es": "Sector", "en": "Sector"},
            "options": [],
            "ineligible_answers": ["government", "party"],
            "reason": {"es": "No para gobierno.", "en": "Not for government."},
        },
    ],
    "applicants": {"kinds": ["cso"], "all_states": False, "states": ["26"]},
}


def test_eligible_answers_give_no_reasons():
    assert evaluate_eligibility(QUIZ, {"registered": "yes", "sector": "cso"}) == []


def test_each_ineligible_answer_gives_its_reason():
    reasons = evaluate_eligibility(QUIZ, {"registered": "no", "sector": "party"})
    assert [(r.kind, r.key) for r in reasons] == [("quiz", "registered"), ("quiz", "sector")]
    assert reasons[0].text == {"es": "Debe estar registrada.", "en": "Must be registered."}


def test_unanswered_questions_are_reasons():
    reasons = evaluate_eligibility(QUIZ, {"registered": True})
    assert [(r.kind, r.key) for r in reasons] == [("unanswered", "sector")]
    assert reasons[0].text["en"] == "Sector"


def test_organisation_type_and_state_are_checked():
    org = SimpleNamespace(kind="company", state_code="19")
    reasons = evaluate_eligibility(QUIZ, {"registered": "yes", "sector": "cso"}, organisation=org)
    assert [(r.kind, r.key) for r in reasons] == [("applicant_kind", "company"), ("state", "19")]
    fine = SimpleNamespace(kind="cso", state_code="26")
    assert evaluate_eligibility(QUIZ, {"registered": "yes", "sector": "x"}, organisation=fine) == []


def test_parse_options_reports_each_bad_line():
    options, problems = parse_options(
        "cso | Organización civil | Civil society\n\nBad Key | a | b\ncso | x | y\nonly | two"
    )
    assert options == [{"key": "cso", "es": "Organización civil", "en": "Civil society"}]
    assert problems == [(3, "key"), (4, "duplicate"), (5, "format")]


def test_hermosillo_deadline_is_stored_in_utc():
    stored = local_to_utc(datetime(2026, 12, 15, 23, 59), "America/Hermosillo")
    assert stored == datetime(2026, 12, 16, 6, 59, tzinfo=UTC)
    assert utc_to_local(stored, "America/Hermosillo") == datetime(2026, 12, 15, 23, 59)


def test_mexico_city_has_no_daylight_saving_any_more():
    summer = local_to_utc(datetime(2026, 7, 1, 12, 0), "America/Mexico_City")
    assert summer == datetime(2026, 7, 1, 18, 0, tzinfo=UTC)


def test_a_skipped_local_time_is_refused():
    # Tijuana follows US daylight saving: 2026-03-08 02:30 does not exist there.
    with pytest.raises(NonexistentLocalTimeError):
        local_to_utc(datetime(2026, 3, 8, 2, 30), "America/Tijuana")
