"""The demo stage: one submitted and one draft application on CONV-2026-01, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.applications.budget import totals_of
from portal.applications.models import Application
from portal.applications.operations import load_full
from portal.core.db import db
from portal.demo.seed import seed_all


def test_demo_applications(ctx):
    seed_all()
    db.session.commit()
    rows = {a.status: a for a in db.session.scalars(select(Application))}
    assert set(rows) == {"submitted", "draft"}
    submitted = load_full(rows["submitted"].id)
    assert submitted.reference == "CONV-2026-01-0001"
    assert submitted.organisation.legal_name == "Justicia Cercana, A.C."
    totals = totals_of(submitted)
    assert totals.meets_minimum(submitted.call.cofinance_min_pct)
    assert totals.lines_cofinance == totals.cost_share_all
    assert submitted.cofinance_pct == totals.cofinance_pct
    assert rows["draft"].eligible is False  # a company: this call is for CSOs and academia

    again = seed_all()
    db.session.commit()
    assert again.created["application"] == 0
    assert db.session.scalar(select(func.count(Application.id))) == 2
