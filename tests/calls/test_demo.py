"""The demo stage for calls (to be appended to ``portal.demo.seed.STAGES``)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.calls.demo import PROGRAMME, seed_calls
from portal.calls.form_models import FormVersion
from portal.calls.models import Call, Programme
from portal.calls.rules import visible_questions
from portal.core.db import db, now_utc
from portal.demo.seed import seed_all


def test_demo_calls_are_complete_and_idempotent(ctx):
    world = seed_all()
    seed_calls(world)
    db.session.commit()
    # (the reporting stage adds a second programme, in USD, with its own call)
    programme = db.session.scalars(select(Programme).filter_by(name_es=PROGRAMME["name_es"])).one()
    assert [m.email for m in programme.managers] == ["gestor@cofinancia.example"]
    calls = {
        c.code: c for c in db.session.scalars(select(Call).filter_by(programme_id=programme.id))
    }
    assert {code: c.status for code, c in calls.items()} == {
        "CONV-2026-01": "published",
        "CONV-2026-02": "draft",
        "CONV-2025-01": "closed",
    }
    assert calls["CONV-2026-01"].is_open(now_utc())
    versions = db.session.scalars(
        select(FormVersion.call_id).where(FormVersion.call_id.in_([c.id for c in calls.values()]))
    ).all()
    assert sorted(versions) == sorted([calls["CONV-2026-01"].id, calls["CONV-2025-01"].id])
    snapshot = db.session.scalars(select(FormVersion.snapshot)).first()
    assert "partners" in [q["key"] for q in visible_questions(snapshot, {"has_partners": "yes"})]

    again = seed_all()
    seed_calls(again)
    db.session.commit()
    assert again.created["call"] == again.created["programme"] == 0
    assert db.session.scalar(select(func.count(Call.id)).filter_by(programme_id=programme.id)) == 3
