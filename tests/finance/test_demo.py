"""The demo data has active grants at every stage: no payment, partly paid, fully paid, and a
co-finance shortfall; seeding twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.db import db
from portal.demo.seed import seed_all
from portal.finance import figures
from portal.finance.models import Disbursement


def test_demo_grants_at_every_stage(ctx):
    seed_all()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Disbursement))
    grants = {f.reference: f for f in figures.grant_figures().values()}
    demo = [grants[f"CONV-2025-01-{n:04d}"] for n in (901, 902, 903, 904)]
    none, partly, fully, short = demo
    assert none.disbursed == 0 and not none.shortfall
    assert 0 < partly.disbursed < partly.amount and not partly.shortfall
    assert fully.remaining == 0 and not fully.shortfall
    assert short.shortfall
    second = seed_all()
    db.session.commit()
    assert second.created["disbursement"] == 0
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == count


def test_demo_payments_are_dated_between_the_start_and_today(ctx, monkeypatch):
    """The demo never dates a payment in the future nor before its grant starts (issue 12)."""
    from portal.awards.models import Award
    from portal.finance import deadlines, operations

    monkeypatch.setattr(operations, "today", deadlines.today)  # the real day, not the fixture's
    seed_all()
    db.session.commit()
    entries = db.session.scalars(select(Disbursement)).all()
    assert entries
    for entry in entries:
        award = db.session.get(Award, entry.award_id)
        assert operations.payment_date_problems(award, entry.paid_on) == [], entry.paid_on
