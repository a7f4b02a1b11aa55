"""Recording USD/MXN rates: audited, one per day, bad input refused with a message and
nothing stored; the latest rate on or before a day is the one the dashboard uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.errors import InputError
from portal.reporting import operations
from portal.reporting.models import ExchangeRate
from tests.support.forms import post_form
from tests.support.matrix import login

D = Decimal
GOOD = {"rate_on": "2026-11-20", "rate": "17.2345", "source": "banxico_fix"}


@pytest.fixture
def officer_client(app, personas):
    client = app.test_client()
    login(client, personas["finance_officer"].email)
    return client


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ExchangeRate))


def test_record_a_rate_through_the_form(ctx, officer_client, personas):
    response = post_form(
        officer_client, "/reports/rates", GOOD, form_url="/reports/rates", follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Rate recorded: USD/MXN 17.2345 on 2026-11-20." in html
    rate = db.session.scalar(select(ExchangeRate))
    assert (rate.base, rate.quote, rate.rate_on, rate.rate, rate.source) == (
        "USD",
        "MXN",
        date(2026, 11, 20),
        D("17.234500"),
        "banxico_fix",
    )
    assert rate.recorded_by_id == personas["finance_officer"].id
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "exchange_rate.recorded")
    )
    assert entry.object_id == str(rate.id) or entry.object_id == rate.id
    assert entry.changes["rate"] == "17.2345" and entry.user_id == personas["finance_officer"].id
    assert 'data-rate-on="2026-11-20"' in html and "Banco de México FIX rate" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rate": "0"}, "The rate must be greater than zero."),
        ({"rate": "-17.5"}, "The rate must be greater than zero."),
        ({"rate": "diecisiete"}, "Enter a rate such as 17.2345."),
        ({"rate": "17,2345"}, "Write the rate with a decimal point, such as 17.2345."),
        ({"rate": "17.1234567"}, "Use at most six decimal places."),
        ({"rate": "123456789"}, "This rate is too large."),
        ({"rate": ""}, "Enter the rate: how many Mexican pesos one US dollar buys."),
        ({"rate_on": ""}, "Enter the day the rate applies to."),
        ({"rate_on": "20/11/2026"}, "Not a valid date value."),
        ({"source": ""}, "Say where the rate comes from."),
        ({"source": "internet"}, "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(ctx, officer_client, data, message):
    response = post_form(
        officer_client, "/reports/rates", {**GOOD, **data}, form_url="/reports/rates"
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count() == 0
    assert not db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "exchange_rate.recorded")
    )


def test_duplicate_day_is_refused(ctx, officer_client):
    post_form(officer_client, "/reports/rates", GOOD, form_url="/reports/rates")
    again = post_form(
        officer_client, "/reports/rates", {**GOOD, "rate": "18.0000"}, form_url="/reports/rates"
    )
    assert "A USD/MXN rate is already recorded for 2026-11-20." in again.get_data(as_text=True)
    assert db.session.scalars(select(ExchangeRate.rate)).all() == [D("17.234500")]


def test_spanish_message(ctx, officer_client):
    officer_client.get("/reports/rates?lang=es")
    response = post_form(
        officer_client,
        "/reports/rates",
        {**GOOD, "rate_on": "no es fecha"},
        form_url="/reports/rates",
    )
    html = response.get_data(as_text=True)
    assert "Not a valid date value." not in html  # WTForms' own message, in Spanish
    assert 'class="invalid-feedback d-block"' in html and _count() == 0


def test_operation_refuses_a_duplicate_even_without_the_check(ctx, personas, monkeypatch):
    officer = personas["finance_officer"]
    operations.record_rate(officer, rate_on=date(2026, 11, 20), rate=D("17.5"), source="dof")
    # A concurrent officer passed the existence check: the UNIQUE constraint still refuses.
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: None)
    with pytest.raises(InputError) as refused:
        operations.record_rate(officer, rate_on=date(2026, 11, 20), rate=D("18"), source="dof")
    assert "rate_on" in refused.value.errors
    monkeypatch.undo()
    assert _count() == 1


def test_latest_rate_on_or_before(ctx, personas):
    officer = personas["finance_officer"]
    for day, value in ((date(2026, 11, 18), "17.10"), (date(2026, 11, 20), "17.30")):
        operations.record_rate(officer, rate_on=day, rate=D(value), source="banxico_fix")
    db.session.commit()
    assert operations.latest_rate(date(2026, 11, 17)) is None
    assert operations.latest_rate(date(2026, 11, 19)).rate == D("17.10")
    assert operations.latest_rate(date(2026, 11, 20)).rate == D("17.30")
    assert operations.latest_rate(date(2027, 1, 1)).rate_on == date(2026, 11, 20)


def test_database_refuses_a_zero_rate(ctx, personas):
    from sqlalchemy.exc import IntegrityError

    db.session.add(
        ExchangeRate(
            rate_on=date(2026, 1, 1),
            rate=D("0"),
            source="bank",
            recorded_by_id=personas["finance_officer"].id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_manager_reads_rates_without_the_form(app, ctx, personas):
    client = app.test_client()
    login(client, personas["grants_manager"].email)
    html = client.get("/reports/rates").get_data(as_text=True)
    assert "Stored rates, latest first" in html and 'name="rate"' not in html


def test_every_problem_is_reported_at_once(ctx, officer_client):
    response = post_form(
        officer_client,
        "/reports/rates",
        {"rate_on": "", "rate": "abc", "source": ""},
        form_url="/reports/rates",
    )
    html = response.get_data(as_text=True)
    for message in (
        "Enter the day the rate applies to.",
        "Enter a rate such as 17.2345.",
        "Say where the rate comes from.",
    ):
        assert message in html
    assert _count() == 0


OLD_PESOS = "Enter a day from 1993-01-01 on: earlier rates are in old pesos."
TOO_FAR = "A rate cannot be recorded more than 7 days ahead: check the year."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Decimal() reads these, a person never means them: "17_2345" was stored as 172345.
        ({"rate": "17_2345"}, "Enter a rate such as 17.2345."),
        ({"rate": "1.8E1"}, "Enter a rate such as 17.2345."),
        ({"rate": "١٧.٥"}, "Enter a rate such as 17.2345."),
        ({"rate": "１７.５"}, "Enter a rate such as 17.2345."),
        ({"rate_on": "1992-12-31"}, OLD_PESOS),
        ({"rate_on": "2026-12-05"}, TOO_FAR),
        ({"rate_on": "2126-11-20"}, TOO_FAR),
    ],
)
def test_odd_numbers_and_far_days_are_refused(ctx, officer_client, monkeypatch, data, message):
    monkeypatch.setattr(operations, "today", lambda: date(2026, 11, 27))
    response = post_form(
        officer_client, "/reports/rates", {**GOOD, **data}, form_url="/reports/rates"
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize(
    ("rate_on", "typed", "stored"),
    [
        ("1993-01-01", "3.1154", D("3.1154")),
        ("2026-12-04", " 17.5 ", D("17.5")),  # a week ahead at most
        ("2026-11-20", "17.", D("17")),
    ],
)
def test_plain_numbers_and_near_days_are_accepted(
    ctx, officer_client, monkeypatch, rate_on, typed, stored
):
    monkeypatch.setattr(operations, "today", lambda: date(2026, 11, 27))
    data = {**GOOD, "rate_on": rate_on, "rate": typed}
    response = post_form(officer_client, "/reports/rates", data, form_url="/reports/rates")
    assert response.status_code == 302
    assert db.session.scalars(select(ExchangeRate.rate)).all() == [stored]


def test_a_mistaken_rate_is_withdrawn_with_a_reason(ctx, app, officer_client, personas):
    rate = operations.record_rate(
        personas["finance_officer"],
        rate_on=date(2026, 11, 20),
        rate=D("183.275"),
        source="banxico_fix",
    )
    db.session.commit()
    url = f"/reports/rates/{rate.id}/withdraw"
    refused = post_form(
        officer_client, url, {"reason": "  "}, form_url="/reports/rates", follow_redirects=True
    )
    assert "Say why the rate is withdrawn." in refused.get_data(as_text=True)
    assert _count() == 1

    manager = app.test_client()
    login(manager, personas["grants_manager"].email)
    assert post_form(manager, url, {"reason": "x"}, form_url="/reports/rates").status_code == 403
    assert _count() == 1

    done = post_form(
        officer_client,
        url,
        {"reason": "Punto decimal mal puesto"},
        form_url="/reports/rates",
        follow_redirects=True,
    )
    assert "The rate of 2026-11-20 was withdrawn." in done.get_data(as_text=True)
    assert _count() == 0
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "exchange_rate.withdrawn")
    )
    assert entry.changes["reason"] == "Punto decimal mal puesto"
    assert entry.changes["rate"] in ("183.275000", "183.275")
    # The day can be recorded again, correctly.
    operations.record_rate(
        personas["finance_officer"],
        rate_on=date(2026, 11, 20),
        rate=D("18.3275"),
        source="banxico_fix",
    )
    assert post_form(officer_client, url, {"reason": "x"}, form_url="/").status_code == 404
