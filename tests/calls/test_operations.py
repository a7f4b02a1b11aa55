"""Operations: validation refusals, status moves, audit of published calls, form versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.models import AuditEntry
from portal.calls import form_operations as fops
from portal.calls import quiz_operations
from portal.calls.form_models import FormVersion
from portal.calls.models import Call
from portal.calls.operations import (
    ALLOWED_MOVES,
    InputError,
    change_status,
    create_call,
    form_snapshot,
    publication_problems,
    update_call,
)
from portal.core.db import db, now_utc
from tests.calls.helpers import make_call


def call_data(call=None, **overrides) -> dict:
    base = {
        "code": "CONV-2026-09",
        "title_es": "T",
        "title_en": "T",
        "description_es": "D",
        "description_en": "D",
        "applicant_kinds": ["cso"],
        "all_states": True,
        "state_codes": [],
        "thematic_areas": [],
        "timezone": "America/Mexico_City",
        "opens_dt": datetime(2026, 11, 1, 15, 0, tzinfo=UTC),
        "closes_dt": datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
        "budget": Decimal("1000000.00"),
        "min_award": Decimal("10000.00"),
        "max_award": Decimal("100000.00"),
        "cofinance_min_pct": Decimal("20"),
        "in_kind_counts": True,
        "instruments": ["fixed_amount"],
    }
    if call is not None:
        from portal.calls.operations import CALL_FIELDS

        base.update({name: getattr(call, name) for name in CALL_FIELDS})
        base["instruments"] = [i.value for i in call.instruments]
    base.update(overrides)
    return base


def refusal(fn, *args) -> dict:
    with pytest.raises(InputError) as caught:
        fn(*args)
    return caught.value.errors


# Validation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"closes_dt": datetime(2026, 10, 1, tzinfo=UTC)},
            "closes_dt",
            "The closing date and time must be after the opening date and time.",
        ),
        (
            {"min_award": Decimal("200000"), "max_award": Decimal("100000")},
            "max_award",
            "The maximum award cannot be smaller than the minimum award.",
        ),
        (
            {"max_award": Decimal("2000000")},
            "max_award",
            "The maximum award cannot be larger than the call's budget.",
        ),
        ({"code": "conv 2026"}, "code", "Use 2 to 5 parts joined by hyphens"),
        ({"code": "CONV"}, "code", "Use 2 to 5 parts joined by hyphens"),
        # A part of nine characters: the message states the limit of eight.
        ({"code": "CONV-202600001"}, "code", "each other part has 1 to 8 characters"),
        ({"code": "CONVOCATORIA2026-01"}, "code", "has 2 to 12 characters"),
        (
            {"cofinance_min_pct": Decimal("100.01")},
            "cofinance_min_pct",
            "The percentage must be between 0 and 100.",
        ),
        ({"cofinance_min_pct": Decimal("-1")}, "cofinance_min_pct", "between 0 and 100"),
        ({"budget": Decimal("-5")}, "budget", "The amount cannot be negative."),
        ({"timezone": "Europe/Madrid"}, "timezone", "Mexican time zones"),
        ({"all_states": False, "state_codes": []}, "state_codes", "at least one state"),
        ({"state_codes": ["33"], "all_states": False}, "state_codes", "Unknown state."),
    ],
)
def test_create_call_refusals(op_ctx, programme, personas, overrides, field, message):
    with op_ctx():
        errors = refusal(create_call, programme, call_data(**overrides), personas["admin"])
        assert field in errors, errors
        assert any(message in m for m in errors[field]), errors[field]
        assert db.session.scalar(select(Call.id)) is None


def test_budget_above_programme_envelope_is_refused(op_ctx, programme, draft_call, personas):
    # draft_call budgets 2,000,000 of the 10,000,000 envelope.
    with op_ctx():
        errors = refusal(
            create_call,
            programme,
            call_data(budget=Decimal("8000000.01"), max_award=Decimal("100")),
            personas["admin"],
        )
        assert "would add up to MXN" in errors["budget"][0]


def test_duplicate_code_is_refused(op_ctx, programme, draft_call, personas):
    with op_ctx():
        errors = refusal(create_call, programme, call_data(code="CONV-2026-01"), personas["admin"])
        assert errors["code"] == ["Another call already uses the code CONV-2026-01."]


def test_named_constraints_guard_the_database(op_ctx, draft_call):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        call.min_award = Decimal("900000")  # above max_award, bypassing the operations
        with pytest.raises(IntegrityError, match="min_award_within_max"):
            db.session.flush()
        db.session.rollback()


# Status ------------------------------------------------------------------------------------
def test_allowed_moves_table():
    assert {k.value: sorted(v) for k, v in ALLOWED_MOVES.items()} == {
        "draft": ["published"],
        "published": ["closed"],
        "closed": ["archived"],
        "archived": [],
    }


def test_publish_close_archive(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        for target in ("published", "closed", "archived"):
            change_status(call, target, personas["grants_manager"])
            assert call.status == target
        assert call.published_dt and call.closed_dt and call.archived_dt
        db.session.commit()  # audit entries are sealed into the chain at commit
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "call")
        ).all()
        assert {"call.published", "call.closed", "call.archived"} <= set(actions)


@pytest.mark.parametrize(
    ("status", "target"),
    [
        ("draft", "closed"),
        ("draft", "archived"),
        ("published", "draft"),
        ("closed", "published"),
        ("archived", "published"),
        ("archived", "draft"),
    ],
)
def test_refused_moves(app, op_ctx, programme, personas, status, target):
    call = make_call(app, programme, status=status, actor=personas["admin"])
    with op_ctx():
        call = db.session.get(Call, call.id)
        errors = refusal(change_status, call, target, personas["admin"])
        assert "A call cannot go from" in errors[""][0]
        assert db.session.get(Call, call.id).status == status


def test_publishing_lists_what_is_missing(app, op_ctx, programme, personas):
    call = make_call(app, programme, opens_dt=None, budget=None, offers_fixed_amount=False)
    with op_ctx():
        call = db.session.get(Call, call.id)
        call.questions.clear()
        errors = refusal(change_status, call, "published", personas["admin"])[""]
        assert "Set the opening and closing dates." in errors
        assert "Set the budget and the minimum and maximum award." in errors
        assert "Offer at least one instrument." in errors
        assert "Add at least one question to the application form." in errors
        assert call.status == "draft"


def test_publishing_after_the_deadline_is_refused(app, op_ctx, programme):
    past = now_utc() - timedelta(days=1)
    call = make_call(app, programme, opens_dt=past - timedelta(days=5), closes_dt=past)
    with op_ctx():
        problems = publication_problems(db.session.get(Call, call.id), now_utc())
        assert problems == ["The closing date has already passed."]


# Audit -------------------------------------------------------------------------------------
def test_changes_to_a_published_call_are_audited_with_before_and_after(
    op_ctx, published_call, personas
):
    with op_ctx():
        call = db.session.get(Call, published_call.id)
        old_close = call.closes_dt
        new_close = old_close + timedelta(days=7)
        data = call_data(call, closes_dt=new_close, title_en="Access to justice 2026")
        update_call(call, data, personas["grants_manager"])
        db.session.commit()
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "call.updated")
        ).one()
        assert entry.object_id == str(call.id)
        assert entry.user_id == personas["grants_manager"].id
        assert entry.changes == {
            "closes_dt": [old_close.isoformat(), new_close.isoformat()],
            "title_en": ["Access to justice", "Access to justice 2026"],
        }


def test_code_of_a_published_call_cannot_change(op_ctx, published_call, personas):
    with op_ctx():
        call = db.session.get(Call, published_call.id)
        errors = refusal(update_call, call, call_data(call, code="CONV-2030-01"), personas["admin"])
        assert errors["code"] == ["The code cannot change once the call has been published."]


def test_closed_call_cannot_be_edited(app, op_ctx, programme, personas):
    call = make_call(app, programme, status="closed", actor=personas["admin"])
    with op_ctx():
        call = db.session.get(Call, call.id)
        errors = refusal(update_call, call, call_data(call), personas["admin"])
        assert errors[""] == ["A closed or archived call can no longer be edited."]


# Form versions -----------------------------------------------------------------------------
def question(**overrides) -> dict:
    data = {
        "key": "team",
        "kind": "short_text",
        "label_es": "Equipo",
        "label_en": "Team",
        "help_es": "",
        "help_en": "",
        "required": False,
        "max_chars": None,
        "options": [],
        "document_slot_key": None,
        "show_if_key": None,
        "show_if_value": None,
    }
    data.update(overrides)
    return data


def versions(call_id):
    stmt = select(FormVersion).where(FormVersion.call_id == call_id).order_by(FormVersion.version)
    return db.session.scalars(stmt).all()


def test_draft_edits_do_not_create_versions(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        fops.add_question(call, question(), personas["admin"])
        assert call.form_version == 1
        assert versions(call.id) == []


def test_publishing_freezes_version_one_and_edits_make_new_versions(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        change_status(call, "published", personas["admin"])
        [v1] = versions(call.id)
        assert v1.version == 1
        assert v1.snapshot == form_snapshot(call)
        assert [q["key"] for q in v1.snapshot["questions"]] == ["summary"]

        fops.add_question(call, question(), personas["admin"])
        summary = next(q for q in call.questions if q.key == "summary")
        fops.update_question(
            summary,
            question(
                key="summary",
                kind="long_text",
                label_es="Resumen",
                label_en="Abstract",
                max_chars=1500,
                required=True,
            ),
            personas["admin"],
        )
        assert call.form_version == 3
        v1, v2, v3 = versions(call.id)
        assert [q["key"] for q in v1.snapshot["questions"]] == ["summary"]  # unchanged
        assert [q["key"] for q in v2.snapshot["questions"]] == ["summary", "team"]
        assert v3.snapshot["questions"][0]["label"]["en"] == "Abstract"
        assert v1.snapshot["questions"][0]["label"]["en"] == "Summary"
        assert v3.snapshot["version"] == 3


def test_keys_and_kinds_freeze_after_publication(op_ctx, published_call, personas):
    with op_ctx():
        call = db.session.get(Call, published_call.id)
        summary = call.questions[0]
        errors = refusal(
            fops.update_question,
            summary,
            question(key="abstract", kind="short_text"),
            personas["admin"],
        )
        assert errors["key"] == ["The key cannot change once the call has been published."]
        assert errors["kind"] == ["The kind cannot change once the call has been published."]


def test_a_removed_key_is_never_reused(op_ctx, published_call, personas):
    with op_ctx():
        call = db.session.get(Call, published_call.id)
        fops.add_question(call, question(key="team"), personas["admin"])
        team = next(q for q in call.questions if q.key == "team")
        fops.delete_question(team, personas["admin"])
        errors = refusal(
            fops.add_question, call, question(key="team", kind="number"), personas["admin"]
        )
        assert "An earlier version of the form used the key team" in errors["key"][0]


# Questions ---------------------------------------------------------------------------------
def test_question_kind_rules(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        admin = personas["admin"]
        assert (
            "character limit"
            in refusal(fops.add_question, call, question(kind="long_text"), admin)["max_chars"][0]
        )
        assert refusal(fops.add_question, call, question(kind="single_choice"), admin)[
            "options"
        ] == ["Give at least two options."]
        assert refusal(
            fops.add_question, call, question(kind="document", document_slot_key="nope"), admin
        )["document_slot_key"] == ["Choose one of the call's document slots."]
        assert (
            "Use lower-case letters"
            in refusal(fops.add_question, call, question(key="Team Name"), admin)["key"][0]
        )
        assert refusal(fops.add_question, call, question(key="summary"), admin)["key"] == [
            "Another item of this call already uses the key summary."
        ]


def test_conditions_point_to_earlier_choice_questions(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        admin = personas["admin"]
        fops.add_question(call, question(key="has_partners", kind="yes_no"), admin)
        errors = refusal(
            fops.add_question,
            call,
            question(key="partners", show_if_key="summary", show_if_value="x"),
            admin,
        )
        assert errors["show_if_key"] == ["Choose an earlier yes/no or choice question."]
        errors = refusal(
            fops.add_question,
            call,
            question(key="partners", show_if_key="has_partners", show_if_value="maybe"),
            admin,
        )
        assert errors["show_if_key"] == ["The expected answer must be one of: yes, no."]
        partners = fops.add_question(
            call, question(key="partners", show_if_key="has_partners", show_if_value="yes"), admin
        )
        # The condition's target cannot be removed, nor the dependant moved above it.
        target = next(q for q in call.questions if q.key == "has_partners")
        assert "depend on this one" in refusal(fops.delete_question, target, admin)[""][0]
        assert "must stay below it" in refusal(fops.move_question, partners, "up", admin)[""][0]


def test_move_question_changes_the_order(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        team = fops.add_question(call, question(), personas["admin"])
        fops.move_question(team, "up", personas["admin"])
        assert [q["key"] for q in form_snapshot(call)["questions"]] == ["team", "summary"]
        fops.move_question(team, "up", personas["admin"])  # already first: nothing happens
        assert [q["key"] for q in form_snapshot(call)["questions"]] == ["team", "summary"]


# Slots and quiz ----------------------------------------------------------------------------
def test_slot_rules(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        data = {
            "key": "budget_xlsx",
            "label_es": "P",
            "label_en": "B",
            "allowed_types": ["xlsx", "csv"],
            "max_size_mb": 26,
            "mandatory": True,
        }
        errors = refusal(fops.add_slot, call, data, personas["admin"])
        assert errors["max_size_mb"] == ["The maximum size must be between 1 and 25 MB."]
        errors = refusal(
            fops.add_slot,
            call,
            {**data, "max_size_mb": 5, "allowed_types": ["exe"]},
            personas["admin"],
        )
        assert errors["allowed_types"] == ["Choose at least one allowed file type."]
        slot = fops.add_slot(call, {**data, "max_size_mb": 5}, personas["admin"])
        assert slot.max_bytes == 5 * 1024 * 1024
        assert "text/csv" in slot.content_types()


def test_slot_in_use_cannot_be_deleted(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        fops.add_question(
            call,
            question(key="plan", kind="document", document_slot_key="workplan"),
            personas["admin"],
        )
        errors = refusal(fops.delete_slot, call.document_slots[0], personas["admin"])
        assert errors[""] == ["Questions plan use this slot; change them first."]


def test_quiz_rules(op_ctx, draft_call, personas):
    with op_ctx():
        call = db.session.get(Call, draft_call.id)
        data = {
            "key": "sector",
            "kind": "single_choice",
            "label_es": "S",
            "label_en": "S",
            "options": [
                {"key": "cso", "es": "OSC", "en": "CSO"},
                {"key": "gov", "es": "Gobierno", "en": "Government"},
            ],
            "ineligible_answers": ["party"],
            "reason_es": "R",
            "reason_en": "R",
        }
        errors = refusal(quiz_operations.add_quiz_question, call, data, personas["admin"])
        assert "from: cso, gov" in errors["ineligible_answers"][0]
        errors = refusal(
            quiz_operations.add_quiz_question,
            call,
            {**data, "ineligible_answers": ["cso", "gov"]},
            personas["admin"],
        )
        assert errors["ineligible_answers"] == [
            "At least one answer must leave the applicant eligible."
        ]
        quiz_operations.add_quiz_question(
            call, {**data, "ineligible_answers": ["gov"]}, personas["admin"]
        )
        from portal.calls.operations import evaluate_eligibility

        reasons = evaluate_eligibility(call, {"legal_entity": "yes", "sector": "gov"})
        assert [r.key for r in reasons] == ["sector"]


def test_a_published_call_stays_complete(op_ctx, published_call, personas):
    with op_ctx():
        call = db.session.get(Call, published_call.id)
        data = call_data(call, opens_dt=None, min_award=Decimal("0"), applicant_kinds=[])
        errors = refusal(update_call, call, data, personas["admin"])
        assert errors["opens_dt"] == ["A published call needs this value."]
        assert "min_award" not in errors  # zero is a valid minimum
        assert errors["applicant_kinds"] == ["A published call needs at least one applicant type."]


def test_slot_hands_its_policy_to_the_documents_domain(app, op_ctx, draft_call):
    from portal.calls.constants import DOCUMENT_TYPES
    from portal.documents.types import FILE_TYPES

    assert set(DOCUMENT_TYPES) == set(FILE_TYPES)
    with op_ctx():
        slot = db.session.get(Call, draft_call.id).document_slots[0].upload_slot()
        assert (slot.key, slot.types, slot.max_bytes, slot.mandatory) == (
            "workplan",
            ("pdf",),
            10 * 1024 * 1024,
            True,
        )
        assert str(slot.label) == "Work plan"
        assert slot.allows("application/pdf") and not slot.allows("image/png")
