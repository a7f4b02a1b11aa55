"""The demo stage: submitted and draft applications on CONV-2026-01, idempotent.

Later stages (reviews, awards) move some of them on, so statuses are checked loosely."""

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
    applications = db.session.scalars(select(Application).order_by(Application.id)).all()
    drafts = [a for a in applications if a.status == "draft"]
    assert drafts, "the demo keeps a draft to look at"
    first = next(a for a in applications if a.reference == "CONV-2026-01-0001")
    submitted = load_full(first.id)
    assert submitted.submitted_dt is not None
    assert submitted.organisation.legal_name == "Justicia Cercana, A.C."
    totals = totals_of(submitted)
    assert totals.meets_minimum(submitted.call.cofinance_min_pct)
    assert totals.lines_cofinance == totals.cost_share_all
    assert submitted.cofinance_pct == totals.cofinance_pct
    assert any(d.eligible is False for d in drafts)  # a company: the call is for CSOs and academia

    again = seed_all()
    db.session.commit()
    assert again.created["application"] == 0
    assert db.session.scalar(select(func.count(Application.id))) == len(applications)
