"""Builders for the applications tests: an open call with a form of every kind (over
``portal.calls.builders``, shared with the demo seed), and applications at any stage (made
through the real operations)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from portal.applications import operations
from portal.applications.documents import application_owner
from portal.applications.models import Application
from portal.calls.builders import advance_call, build_call
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.documents.operations import upload_file
from tests.documents import samples
from tests.support.context import twin_of

OPTIONS = [
    {"key": "mediation", "es": "Mediación", "en": "Mediation"},
    {"key": "legal_aid", "es": "Asesoría", "en": "Legal aid"},
]

QUESTIONS = (
    dict(
        key="project_title",
        kind="short_text",
        label_es="Título",
        label_en="Project title",
        required=True,
        max_chars=100,
    ),
    dict(
        key="summary",
        kind="long_text",
        label_es="Resumen",
        label_en="Summary",
        required=True,
        max_chars=200,
        help_es="Breve.",
        help_en="Keep it short.",
    ),
    dict(
        key="themes",
        kind="multiple_choice",
        label_es="Temas",
        label_en="Themes",
        required=True,
        options=OPTIONS,
    ),
    dict(
        key="approach",
        kind="single_choice",
        label_es="Enfoque",
        label_en="Approach",
        options=OPTIONS,
    ),
    dict(
        key="beneficiaries",
        kind="number",
        label_es="Personas",
        label_en="People served",
        required=True,
    ),
    dict(key="own_funds", kind="money", label_es="Fondos propios", label_en="Own funds"),
    dict(key="start_date", kind="date", label_es="Inicio", label_en="Start date", required=True),
    dict(
        key="has_partners",
        kind="yes_no",
        label_es="¿Socios?",
        label_en="Any partners?",
        required=True,
    ),
    dict(
        key="partners",
        kind="long_text",
        label_es="Socios",
        label_en="Partners",
        required=True,
        max_chars=300,
        show_if_key="has_partners",
        show_if_value="yes",
    ),
    dict(
        key="partner_letter",
        kind="document",
        label_es="Carta",
        label_en="Partner letter",
        required=True,
        document_slot_key="letters",
        show_if_key="has_partners",
        show_if_value="yes",
    ),
    dict(
        key="workplan_doc",
        kind="document",
        label_es="Plan",
        label_en="Work plan document",
        required=True,
        document_slot_key="workplan",
    ),
)

COMPLETE_ANSWERS = {
    "project_title": "Mediación comunitaria",
    "summary": "Centros de mediación en colonias.",
    "themes": ["mediation"],
    "beneficiaries": "250",
    "start_date": "2027-01-15",
    "has_partners": "no",
}

# requested 300,000; cost share 100,000 → 25 % of 400,000 (the call asks for 20 %).
LINES = [
    {
        "category": "personnel",
        "description": "Mediadores",
        "requested": Decimal("250000.00"),
        "cofinance": Decimal("100000.00"),
    },
    {
        "category": "travel",
        "description": "Traslados",
        "requested": Decimal("50000.00"),
        "cofinance": Decimal("0"),
    },
]
SOURCES = [
    {
        "contributor_name": "La propia organización",
        "contributor_type": "applicant",
        "nature": "cash",
        "counts_as": "cost_share",
        "amount": Decimal("100000.00"),
        "valuation_basis": None,
    },
]


def request_context(app):
    return twin_of(app).test_request_context("/?lang=en")


def make_open_call(app, programme, code="CONV-2026-05", actor=None, **overrides) -> Call:
    """A published call open now: every question kind, two slots, one quiz question."""
    now = now_utc()
    values = {
        "title_es": "Justicia cercana",
        "title_en": "Justice close to home",
        "description_es": "Descripción.",
        "description_en": "Description.",
        "applicant_kinds": ["cso", "company"],
        "thematic_areas": [],
        "opens_dt": now - timedelta(days=2),
        "closes_dt": now + timedelta(days=20),
        **overrides,
    }
    with request_context(app):
        call = build_call(
            programme,
            code,
            document_slots=[
                dict(
                    key="workplan",
                    label_es="Plan de trabajo",
                    label_en="Work plan",
                    allowed_types=["pdf"],
                    max_size_mb=5,
                    mandatory=True,
                ),
                dict(
                    key="letters",
                    label_es="Cartas",
                    label_en="Letters",
                    allowed_types=["pdf"],
                    max_size_mb=5,
                    mandatory=False,
                ),
            ],
            questions=QUESTIONS,
            quiz_questions=[
                dict(
                    key="legal_entity",
                    kind="yes_no",
                    label_es="¿Constituida?",
                    label_en="Is the organisation legally registered?",
                    ineligible_answers=["no"],
                    reason_es="Debe estar constituida.",
                    reason_en="The organisation must be legally registered.",
                )
            ],
            **values,
        )
        advance_call(call, "published", actor, now=now - timedelta(days=3))
        db.session.commit()
    return call


def start(app, call, organisation, user, quiz=None) -> Application:
    with request_context(app):
        call = db.session.get(Call, call.id)
        application = operations.start_application(
            call, organisation, user, quiz or {"legal_entity": "yes"}
        )
        db.session.commit()
        return application


def fill(app, application, user, answers=None, lines=None, sources=None, title="Mi proyecto"):
    """Answers and budget through the operations (rows as the budget form gives them)."""
    with request_context(app):
        application = operations.load_full(application.id)
        operations.save_answers(
            application,
            title,
            dict(COMPLETE_ANSWERS if answers is None else answers),
            user,
            application.version_id,
        )
        db.session.commit()
        application = operations.load_full(application.id)
        drop_lines = [{"id": row.id, "remove": True} for row in application.lines]
        drop_sources = [{"id": row.id, "remove": True} for row in application.sources]
        operations.save_budget(  # replaces the whole budget
            application,
            drop_lines + [dict(r, id=None) for r in (LINES if lines is None else lines)],
            drop_sources + [dict(r, id=None) for r in (SOURCES if sources is None else sources)],
            user,
            application.version_id,
        )
        db.session.commit()
    return application


def upload(app, application, user, slot_key="workplan", content=None, name="plan.pdf"):
    with request_context(app):
        application = db.session.get(Application, application.id)
        owner = application_owner(application)
        slot = owner.document_slot(slot_key)
        stream = FileStorage(
            io.BytesIO(content or samples.pdf("Plan")),
            filename=name,
            content_type="application/pdf",
        )
        outcome = upload_file(owner, slot, user, stream)
        assert outcome.ok, outcome.message
        db.session.commit()
        return outcome.document


def complete(app, call, organisation, user) -> Application:
    """A draft that passes the whole checklist."""
    application = start(app, call, organisation, user)
    fill(app, application, user)
    upload(app, application, user)
    return application


def reload(application_id: int) -> Application:
    """A fresh copy, budget rows included."""
    db.session.expire_all()
    return operations.load_full(application_id)


def submit(app, application, user) -> Application:
    with request_context(app):
        submitted = operations.submit(operations.load_full(application.id), user)
        db.session.commit()
        return submitted


def request_information(app, application, staff, text="Please send the letters.") -> None:
    with request_context(app):
        operations.request_information(operations.load_full(application.id), staff, text)
        db.session.commit()
