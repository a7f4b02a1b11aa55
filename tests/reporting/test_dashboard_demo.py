"""The demo data gives the demo finance officer a dashboard worth looking at (README tour):
grants in Nuevo León and Sonora, in pesos and dollars, several co-financier types, an overdue
report, one due soon, a request waiting past the service level, a co-finance shortfall and a
stored USD/MXN rate; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo.seed import seed_all
from portal.reporting import dashboard
from portal.reporting.filters import ReportFilter


def test_demo_dashboard(ctx, app):
    seed_all()
    db.session.commit()
    officer = db.session.scalar(select(User).filter_by(email="finanzas@cofinancia.example"))
    board = dashboard.build(ReportFilter(), officer)
    assert board.currencies == ["MXN", "USD"]
    states = {r.label for rows in board.by_state.values() for r in rows}
    assert {"Nuevo León", "Sonora"} <= states
    types = {r.key for rows in board.by_type.values() for r in rows}
    assert {"state_institution", "other_donor", "private_company", "applicant"} <= types
    assert "unassigned" in types
    assert board.overdue.total >= 1 and board.due_soon.total >= 1
    assert board.requests.overdue >= 1
    assert any(r.shortfall for r in board.at_risk) and any(r.late_reports for r in board.at_risk)
    assert board.cofinance["USD"].rejected > 0
    assert board.conversion is not None and board.rate.source == "banxico_fix"

    again = seed_all()
    db.session.commit()
    assert sum(again.created.values()) == 0
