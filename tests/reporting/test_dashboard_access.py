"""Access matrix of the reporting blueprint: the dashboard and the list of rates for finance
officers, administrators and grants managers; recording a rate for finance officers and
administrators only; grantees and reviewers never see programme finances."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.db import db
from portal.reporting.models import ExchangeRate
from tests.reporting.dashboard_world import build, freeze_today  # noqa: F401

READERS = {"grants_manager", "finance_officer", "admin"}
RECORDERS = {"finance_officer", "admin"}


def test_pages(app, ctx, matrix, personas, freeze_today):  # noqa: F811
    build(app, personas)
    matrix.check("/reports/finance", READERS)
    matrix.check("/reports/finance?state=26&date_from=2027-01-01", READERS)
    matrix.check("/reports/rates", READERS)


def test_rate_form_post(app, ctx, matrix, personas):
    def data_for(persona):
        # Each allowed persona records its own day; refused ones try a day of their own too.
        day = 10 + sorted(matrix_personas()).index(persona)
        return {"rate_on": f"2026-11-{day:02d}", "rate": "17.2345", "source": "banxico_fix"}

    matrix.check("/reports/rates", RECORDERS, method="POST", data_for=data_for)
    stored = db.session.scalars(select(ExchangeRate.recorded_by_id)).all()
    assert sorted(stored) == sorted(personas[p].id for p in RECORDERS)


def test_empty_post_changes_nothing(ctx, matrix):
    matrix.check("/reports/rates", RECORDERS, method="POST")
    assert db.session.scalar(select(func.count()).select_from(ExchangeRate)) == 0


def test_grantee_never_sees_the_dashboard_even_with_a_grant(app, ctx, personas, freeze_today):  # noqa: F811
    from tests.support.matrix import login

    build(app, personas)
    client = app.test_client()
    login(client, personas["applicant"].email)
    assert client.get("/reports/finance").status_code == 403
    anonymous = app.test_client().get("/reports/finance")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def matrix_personas():
    from tests.support.matrix import PERSONAS

    return PERSONAS


def test_navigation_and_finance_index_link(app, ctx, personas):
    from tests.support.matrix import login

    for persona, visible in (
        ("finance_officer", True),
        ("grants_manager", True),
        ("reviewer", False),
    ):
        client = app.test_client()
        login(client, personas[persona].email)
        html = client.get("/dashboard").get_data(as_text=True)
        assert ('href="/reports/finance"' in html) is visible, persona
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    assert 'href="/reports/finance"' in client.get("/finance/").get_data(as_text=True)


def test_withdraw_rate_post(app, ctx, matrix, personas):
    """Without a reason nothing is withdrawn, whoever asks; only recorders get past the check."""
    from datetime import date
    from decimal import Decimal

    from portal.reporting import operations

    rate = operations.record_rate(
        personas["finance_officer"],
        rate_on=date(2026, 11, 20),
        rate=Decimal("17.5"),
        source="banxico_fix",
    )
    db.session.commit()
    matrix.check(f"/reports/rates/{rate.id}/withdraw", RECORDERS, method="POST")
    assert db.session.get(ExchangeRate, rate.id) is not None
