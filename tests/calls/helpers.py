"""Builders for programmes and calls, and the data of a complete call form post."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from portal.calls.form_models import CallDocumentSlot, EligibilityQuestion, FormQuestion
from portal.calls.models import Call, Programme
from portal.core.db import db, now_utc

_seq = itertools.count(1)


def make_programme(app, managers=(), **overrides) -> Programme:
    values = {
        "name_es": "Fondo de Justicia Cercana",
        "name_en": "Community Justice Fund",
        "donor": "Fundación Ejemplo",
        "currency": "MXN",
        "envelope": Decimal("10000000.00"),
    }
    values.update(overrides)
    with app.app_context():
        programme = Programme(**values)
        programme.managers = list(managers)
        db.session.add(programme)
        db.session.commit()
    return programme


def make_call(app, programme, code=None, status="draft", actor=None, **overrides) -> Call:
    """A complete call (one question, one slot, one quiz question); published through the
    real operation when ``status`` is not draft, so its form version is frozen."""
    now = now_utc()
    values = {
        "code": code or f"CONV-2026-{next(_seq) + 50:02d}",
        "title_es": "Acceso a la justicia",
        "title_en": "Access to justice",
        "description_es": "Primera línea.\nSegunda línea.",
        "description_en": "First line.\nSecond line.",
        "applicant_kinds": ["cso", "academic"],
        "all_states": True,
        "state_codes": [],
        "thematic_areas": [{"es": "Mediación", "en": "Mediation"}],
        "timezone": "America/Mexico_City",
        "opens_dt": now - timedelta(days=1),
        "closes_dt": now + timedelta(days=30),
        "currency": programme.currency,
        "budget": Decimal("2000000.00"),
        "min_award": Decimal("100000.00"),
        "max_award": Decimal("500000.00"),
        "cofinance_min_pct": Decimal("20.00"),
        "offers_fixed_amount": True,
    }
    values.update(overrides)
    with app.test_request_context("/?lang=en"):
        call = Call(programme_id=programme.id, **values)
        call.document_slots.append(
            CallDocumentSlot(
                key="workplan",
                label_es="Plan de trabajo",
                label_en="Work plan",
                allowed_types=["pdf"],
                max_size_mb=10,
                mandatory=True,
            )
        )
        call.questions.append(
            FormQuestion(
                key="summary",
                kind="long_text",
                label_es="Resumen",
                label_en="Summary",
                required=True,
                max_chars=2000,
                position=0,
            )
        )
        call.quiz_questions.append(
            EligibilityQuestion(
                key="legal_entity",
                kind="yes_no",
                label_es="¿Está legalmente constituida?",
                label_en="Is the organisation legally registered?",
                ineligible_answers=["no"],
                reason_es="Debe estar constituida legalmente.",
                reason_en="The organisation must be legally registered.",
            )
        )
        db.session.add(call)
        db.session.flush()
        if status != "draft":
            from portal.calls.operations import change_status

            change_status(call, "published", actor)
            for step in {"closed": ["closed"], "archived": ["closed", "archived"]}.get(status, []):
                change_status(call, step, actor)
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
