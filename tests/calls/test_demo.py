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


def test_demo_number_questions_have_realistic_limits(ctx):
    """Issue 12: the demo's people served lie between 1 and 1,000,000, and the demo answers
    satisfy the limits of the question they answer."""
    from portal.applications.models import Application
    from portal.applications.validation import answer_problem
    from portal.calls.form_models import FormQuestion
    from portal.calls.rules import form_snapshot

    seed_all()
    db.session.commit()
    numeric = db.session.scalars(
        select(FormQuestion).where(FormQuestion.kind.in_(("number", "money")))
    ).all()
    assert numeric
    assert {(q.key, q.min_value, q.max_value) for q in numeric} == {("beneficiaries", 1, 1_000_000)}
    for application in db.session.scalars(select(Application)):
        snapshot = application.form_snapshot or form_snapshot(application.call)
        for question in snapshot.get("questions", []):
            value = (application.answers or {}).get(question["key"])
            if question["kind"] in ("number", "money") and value is not None:
                assert answer_problem(question, value, snapshot["currency"]) is None
