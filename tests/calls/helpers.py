"""Programmes and calls for the tests (thin wrappers over ``portal.calls.builders``, shared
with the demo seed), and the data of a complete call form post."""

from __future__ import annotations

import itertools

from portal.calls.builders import advance_call, build_call, build_programme, call_defaults
from portal.calls.models import Call, Programme
from portal.core.db import db

_seq = itertools.count(1)


def make_programme(app, managers=(), **overrides) -> Programme:
    with app.app_context():
        programme = build_programme(managers=managers, **overrides)
        db.session.commit()
    return programme


def make_call(app, programme, code=None, status="draft", actor=None, **overrides) -> Call:
    """A complete call (one question, one slot, one quiz question); published through the
    real operation when ``status`` is not draft, so its form version is frozen."""
    values = call_defaults(programme)  # computed before the request, as the tests expect
    values.update(overrides)
    with app.test_request_context("/?lang=en"):
        call = build_call(
            programme,
            code or f"CONV-2026-{next(_seq) + 50:02d}",
            document_slots=[
                dict(
                    key="workplan",
                    label_es="Plan de trabajo",
                    label_en="Work plan",
                    allowed_types=["pdf"],
                    max_size_mb=10,
                    mandatory=True,
                )
            ],
            questions=[
                dict(
                    key="summary",
                    kind="long_text",
                    label_es="Resumen",
                    label_en="Summary",
                    required=True,
                    max_chars=2000,
                )
            ],
            quiz_questions=[
                dict(
                    key="legal_entity",
                    kind="yes_no",
                    label_es="¿Está legalmente constituida?",
                    label_en="Is the organisation legally registered?",
                    ineligible_answers=["no"],
                    reason_es="Debe estar constituida legalmente.",
                    reason_en="The organisation must be legally registered.",
                )
            ],
            **values,
        )
        advance_call(call, status, actor)
        db.session.commit()
    return call


def call_form(**overrides) -> dict:
    """A complete, valid call form post (override fields to test one thing)."""
    data = {
        "code": "CONV-2026-07",
        "title_es": "Justicia cotidiana",
        "title_en": "Everyday justice",
        "description_es": "Descripción.",
        "description_en": "Description.",
        "applicant_kinds": ["cso"],
        "all_states": "y",
        "thematic_areas_es": "Mediación\nDefensoría",
        "thematic_areas_en": "Mediation\nLegal aid",
        "timezone": "America/Hermosillo",
        "opens_dt": "2026-11-01T09:00",
        "closes_dt": "2026-12-15T23:59",
        "budget": "1,500,000.00",
        "min_award": "100000",
        "max_award": "300000",
        "cofinance_min_pct": "25",
        "in_kind_counts": "y",
        "instruments": ["fixed_amount", "cost_reimbursable"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def reload(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)
