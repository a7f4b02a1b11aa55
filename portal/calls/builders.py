"""Row builders for programmes and calls: shared by the demo seed (``portal.demo``) and the
tests' factories. Not to be confused with the call *form* builder (``builder_views``).

A builder inserts the rows directly with keyword defaults, flushes and never commits; moving a
call along its states is left to the real operation (:func:`advance_call`), or, in the seed, to
creating it in its state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from portal.calls.form_models import CallDocumentSlot, EligibilityQuestion, FormQuestion
from portal.calls.models import Call, CallNotice, Programme
from portal.core.db import db, now_utc

# The path of each status from draft, through calls.operations.change_status.
CALL_PATHS = {
    "draft": (),
    "published": ("published",),
    "closed": ("published", "closed"),
    "archived": ("published", "closed", "archived"),
}


def build_programme(
    *,
    name_es: str = "Fondo de Justicia Cercana",
    name_en: str = "Community Justice Fund",
    donor: str = "Fundación Ejemplo",
    currency: str = "MXN",
    envelope: Decimal = Decimal("10000000.00"),
    managers: Iterable = (),
    **columns,
) -> Programme:
    programme = Programme(
        name_es=name_es,
        name_en=name_en,
        donor=donor,
        currency=currency,
        envelope=Decimal(envelope),
        **columns,
    )
    programme.managers = list(managers)
    db.session.add(programme)
    db.session.flush()
    return programme


def call_defaults(programme: Programme) -> dict:
    """The columns of a complete call open from yesterday for 30 days (override any)."""
    now = now_utc()
    return {
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


def build_call(
    programme: Programme,
    code: str,
    *,
    document_slots: Iterable[Mapping] = (),
    questions: Iterable[Mapping] = (),
    quiz_questions: Iterable[Mapping] = (),
    notices: Iterable[Mapping] = (),
    **columns,
) -> Call:
    """A call of ``programme`` with its form parts, each a mapping of columns (positioned in
    order); ``columns`` override :func:`call_defaults`."""
    call = Call(programme_id=programme.id, code=code, **{**call_defaults(programme), **columns})
    for position, values in enumerate(document_slots):
        call.document_slots.append(CallDocumentSlot(**values, position=position))
    for position, values in enumerate(questions):
        call.questions.append(FormQuestion(**values, position=position))
    for position, values in enumerate(quiz_questions):
        call.quiz_questions.append(EligibilityQuestion(**values, position=position))
    for values in notices:
        call.notices.append(CallNotice(**values))
    db.session.add(call)
    db.session.flush()
    return call


def advance_call(call: Call, status: str, actor, now: datetime | None = None) -> Call:
    """Move a draft call to ``status`` through the real operation (each move audited)."""
    from portal.calls.operations import change_status

    for step in CALL_PATHS[status]:
        change_status(call, step, actor, now=now)
    return call
