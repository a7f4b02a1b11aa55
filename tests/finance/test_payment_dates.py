"""Payment dates (issue 12): a disbursement, an advance or a reversing entry is dated from the
grant's start date (2027-02-01 here) to today in the programme's time zone, never later (it
would count as disbursed in a period that has not happened) nor earlier. Each refusal shows on
the date field of the real form and records nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from portal.core.db import db
from portal.finance import deadlines, operations
from portal.finance.models import Disbursement, PaymentRequest
from tests.finance import helpers
from tests.finance.helpers import CLABE, PAYMENTS_TODAY
from tests.support.field_errors import field_errors
from tests.support.forms import post_form

D = helpers.D
FUTURE = "The payment date cannot be in the future: today is Jun 30, 2027."
EARLY = "The payment date cannot be before the grant's start date (Feb 1, 2027)."


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Disbursement))


def _key(page: str, prefix: str = "") -> str:
    pattern = rf'name="{prefix}idempotency_key" type="hidden" value="([^"]+)"'
    return re.search(pattern, page).group(1)


def _payment(page: str, paid_on: str, prefix: str = "") -> dict:
    values = {
        "idempotency_key": _key(page, prefix),
        "paid_on": paid_on,
        "amount": "1000.00",
        "currency": "MXN",
        "bank_reference": "SPEI 77",
        "clabe": CLABE,
    }
    return {f"{prefix}{name}": value for name, value in values.items()}


def _approved(award, personas):
    request = helpers.approved_request(
        award, personas["applicant"], personas["grants_manager"], personas["finance_officer"]
    )
    return request.id


def test_a_disbursement_dated_in_the_future_or_before_the_start_is_refused(
    award, personas, as_user
):
    assert (PAYMENTS_TODAY, award.start_date) == (date(2027, 6, 30), date(2027, 2, 1))
    url = f"/finance/requests/{_approved(award, personas)}"
    officer = as_user(personas["finance_officer"])
    page = officer.get(url).get_data(as_text=True)
    for paid_on, message in (("2099-01-01", FUTURE), ("2027-07-01", FUTURE), ("2027-01-31", EARLY)):
        response = post_form(officer, f"{url}/disburse", _payment(page, paid_on), form_url=url)
        assert response.status_code == 200
        assert field_errors(response.get_data(as_text=True), "paid_on") == [message], paid_on
        assert _count() == 0
    for paid_on in ("2027-06-30", "2027-02-01"):  # today and the start date themselves
        page = officer.get(url).get_data(as_text=True)
        response = post_form(officer, f"{url}/disburse", _payment(page, paid_on), form_url=url)
        assert response.status_code == 302, paid_on
    assert sorted(db.session.scalars(select(Disbursement.paid_on))) == [
        date(2027, 2, 1),
        date(2027, 6, 30),
    ]


def test_an_advance_dated_in_the_future_or_before_the_start_is_refused(award, personas, as_user):
    award.advance_limit = D("60000.00")
    db.session.commit()
    url = f"/finance/grants/{award.id}"
    officer = as_user(personas["finance_officer"])
    page = officer.get(url).get_data(as_text=True)
    for paid_on, message in (("2099-01-01", FUTURE), ("2026-12-31", EARLY)):
        data = _payment(page, paid_on, prefix="advance-")
        response = post_form(officer, f"{url}/advance", data, form_url=url)
        assert response.status_code == 200
        assert field_errors(response.get_data(as_text=True), "advance-paid_on") == [message]
        assert _count() == 0 and operations.advanced_total(award.id) == 0
    data = _payment(page, "2027-06-01", prefix="advance-")
    assert post_form(officer, f"{url}/advance", data, form_url=url).status_code == 302
    assert operations.advanced_total(award.id) == D("1000.00")


def test_a_reversal_dated_in_the_future_or_before_the_entry_is_refused(award, personas, as_user):
    request_id = _approved(award, personas)
    officer_user = personas["finance_officer"]
    request = db.session.get(PaymentRequest, request_id)
    paid, _ = operations.pay_request(request, officer_user, helpers.entry("1000.00", "rv-1"))
    db.session.commit()
    assert paid.paid_on == date(2027, 3, 5)
    url = f"/finance/grants/{award.id}"
    prefix = f"reverse{paid.id}-"
    officer = as_user(officer_user)
    page = officer.get(url).get_data(as_text=True)
    base = {
        f"{prefix}idempotency_key": _key(page, prefix),
        f"{prefix}note": "Cuenta equivocada",
    }
    reverse_url = f"/finance/disbursements/{paid.id}/reverse"
    before_entry = "A correction cannot be dated before the entry it reverses (Mar 5, 2027)."
    for paid_on, message in (("2099-01-01", FUTURE), ("2027-03-04", before_entry)):
        data = {**base, f"{prefix}paid_on": paid_on}
        response = post_form(officer, reverse_url, data, form_url=url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert field_errors(body, f"{prefix}paid_on") == [message]
        assert re.search(r"<details open><summary>Reverse</summary>", body)
        assert _count() == 1
    data = {**base, f"{prefix}paid_on": "2027-03-05"}
    assert post_form(officer, reverse_url, data, form_url=url).status_code == 302
    assert _count() == 2


def test_today_is_the_programmes_day_not_the_servers(award, personas, as_user, monkeypatch):
    """At 03:30 UTC on 10 March it is still 9 March in Mexico City (UTC−6): the 10th is refused."""
    monkeypatch.setattr(operations, "today", deadlines.today)  # the real rule, not the fixture
    instant = datetime(2027, 3, 10, 3, 30, tzinfo=UTC)
    monkeypatch.setattr(deadlines, "now_utc", lambda: instant)
    assert deadlines.today() == date(2027, 3, 9)
    url = f"/finance/requests/{_approved(award, personas)}"
    officer = as_user(personas["finance_officer"])
    page = officer.get(url).get_data(as_text=True)
    response = post_form(officer, f"{url}/disburse", _payment(page, "2027-03-10"), form_url=url)
    assert field_errors(response.get_data(as_text=True), "paid_on") == [
        "The payment date cannot be in the future: today is Mar 9, 2027."
    ]
    assert _count() == 0
    page = officer.get(url).get_data(as_text=True)
    response = post_form(officer, f"{url}/disburse", _payment(page, "2027-03-09"), form_url=url)
    assert response.status_code == 302 and _count() == 1
