"""The whole chain through real forms with CSRF: the grantee requests and certifies, the grants
manager approves the deliverable, the finance officer approves and records the disbursement
(over-payment, bad CLABE and a repeated submission each handled), co-finance is verified."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.finance import operations
from portal.finance.models import CofinanceContribution, Disbursement, PaymentRequest
from tests.finance import helpers
from tests.finance.helpers import BAD_CLABE, CLABE
from tests.support.forms import post_form

D = Decimal


def _key(page: str) -> str:
    return re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_request_to_payment(award, personas, as_user, outbox):
    a = award.id
    milestone_id = award.milestones[0].id
    grantee = as_user(personas["applicant"])
    page = f"/finance/grants/{a}"
    response = post_form(
        grantee,
        f"/finance/grants/{a}/requests",
        {
            "request-milestone_id": milestone_id,
            "request-amount": "150,000.00",
            "request-narrative": "Plan de trabajo firmado",
        },
        form_url=page,
    )
    assert response.status_code == 302
    request_id = db.session.scalar(select(PaymentRequest.id))
    url = f"/finance/requests/{request_id}"

    # Missing certification: refused, nothing changes.
    response = post_form(grantee, f"{url}/submit", {"typed_name": "x"}, form_url=url)
    body = response.get_data(as_text=True)
    assert "Tick the certification" in body and "Type your full name" in body
    assert db.session.get(PaymentRequest, request_id).status == "draft"
    response = post_form(
        grantee,
        f"{url}/submit",
        {"certified": "y", "typed_name": personas["applicant"].full_name},
        form_url=url,
    )
    assert response.status_code == 302
    request = db.session.get(PaymentRequest, request_id)
    assert request.status == "submitted" and request.certification_text.startswith("By signing")
    assert any(m.template == "finance_request_submitted" for m in outbox())

    manager = as_user(personas["grants_manager"])
    response = post_form(
        manager, f"{url}/deliverable", {"decision": "approve", "comment": "Bien"}, form_url=url
    )
    assert response.status_code == 302
    assert any(m.template == "finance_payment_to_approve" for m in outbox())
    # Grants managers never record disbursements.
    assert post_form(manager, f"{url}/disburse", {}, form_url=url).status_code == 403

    officer = as_user(personas["finance_officer"])
    assert (
        post_form(officer, f"{url}/approve", {"amount": "150000.00"}, form_url=url).status_code
        == 302
    )
    form = officer.get(url).get_data(as_text=True)
    key = _key(form)
    payment = {
        "idempotency_key": key,
        "paid_on": "2027-03-05",
        "currency": "MXN",
        "bank_reference": "SPEI 99",
        "clabe": CLABE,
    }
    over = post_form(officer, f"{url}/disburse", {**payment, "amount": "150000.01"}, form_url=url)
    assert "Over-payment refused" in over.get_data(as_text=True)
    bad = post_form(
        officer,
        f"{url}/disburse",
        {**payment, "amount": "100.00", "clabe": BAD_CLABE},
        form_url=url,
    )
    assert "check digit" in bad.get_data(as_text=True)
    # A Spanish decimal comma is refused, not read as 172345 (nor as 17.2345 by guesswork).
    comma = {**payment, "currency": "USD", "amount": "100.00", "rate_source": "banxico_fix"}
    comma = post_form(
        officer, f"{url}/disburse", {**comma, "exchange_rate": "17,2345"}, form_url=url
    )
    assert "decimal point" in comma.get_data(as_text=True)
    for odd in ("17_2345", "1.8E1", "NaN", "١٧.٥"):  # Decimal() reads all of these
        odd_rate = {**payment, "currency": "USD", "amount": "100.00", "rate_source": "bank"}
        response = post_form(
            officer, f"{url}/disburse", {**odd_rate, "exchange_rate": odd}, form_url=url
        )
        assert "Enter a rate such as 17.2345." in response.get_data(as_text=True), odd
    assert _count(Disbursement) == 0

    first = post_form(officer, f"{url}/disburse", {**payment, "amount": "150000.00"}, form_url=url)
    again = post_form(
        officer,
        f"{url}/disburse",
        {**payment, "amount": "150000.00"},
        form_url=url,
        follow_redirects=True,
    )
    assert first.status_code == 302
    assert "recorded once" in again.get_data(as_text=True)
    assert _count(Disbursement) == 1
    assert db.session.get(PaymentRequest, request_id).status == "paid"
    assert any(m.template == "finance_disbursed" for m in outbox())
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "payment_request.submitted",
        "payment_request.deliverable_approved",
        "payment_request.payment_approved",
        "disbursement.recorded",
        "payment_request.paid",
    } <= actions

    grant_page = officer.get(page).get_data(as_text=True)
    assert "150,000.00" in grant_page, grant_page[grant_page.find("figures-heading") :][:1200]


def test_cofinance_reported_and_verified(award, personas, as_user):
    a = award.id
    page = f"/finance/grants/{a}"
    grantee = as_user(personas["applicant"])
    commitment = award.commitments[0]  # in kind, cost share, 90,000
    data = {
        "contribution-commitment_id": commitment.id,
        "contribution-nature": "in_kind",
        "contribution-counts_as": "cost_share",
        "contribution-amount": "45000.00",
        "contribution-contributed_on": "2027-03-01",
    }
    refused = post_form(grantee, f"{page}/contributions", data, form_url=page)
    assert "valuation basis" in refused.get_data(as_text=True)
    assert _count(CofinanceContribution) == 0
    response = post_form(
        grantee,
        f"{page}/contributions",
        {**data, "contribution-valuation_basis": "Renta de salones"},
        form_url=page,
    )
    assert response.status_code == 302
    contribution_id = db.session.scalar(select(CofinanceContribution.id))

    officer = as_user(personas["finance_officer"])
    no_reason = post_form(
        officer,
        f"/finance/contributions/{contribution_id}/verify",
        {f"verify{contribution_id}-decision": "reject"},
        form_url=page,
        follow_redirects=True,
    )
    assert "Give the reason" in no_reason.get_data(as_text=True)
    post_form(
        officer,
        f"/finance/contributions/{contribution_id}/verify",
        {f"verify{contribution_id}-decision": "verify"},
        form_url=page,
    )
    assert db.session.get(CofinanceContribution, contribution_id).status == "verified"
    text = officer.get(page).get_data(as_text=True)
    start = text.find('data-figure="cost-share"')
    assert "90,000.00" in text[start : start + 200], text[start : start + 200]
    # The contribution reads in words, not as stored codes.
    assert "in_kind" not in text and "cost_share ·" not in text and "· cost_share" not in text


def test_reversal_through_the_form(award, personas, as_user):
    request = helpers.approved_request(
        award, personas["applicant"], personas["grants_manager"], personas["finance_officer"]
    )
    operations.pay_request(request, personas["finance_officer"], helpers.entry("150000.00", "rv"))
    db.session.commit()
    paid_id = db.session.scalar(select(Disbursement.id))
    page = f"/finance/grants/{award.id}"
    officer = as_user(personas["finance_officer"])
    html = officer.get(page).get_data(as_text=True)
    key = re.search(rf'name="reverse{paid_id}-idempotency_key" type="hidden" value="([^"]+)"', html)
    data = {
        f"reverse{paid_id}-idempotency_key": key.group(1),
        f"reverse{paid_id}-paid_on": "2027-03-10",
        f"reverse{paid_id}-note": "Cuenta equivocada",
    }
    url = f"/finance/disbursements/{paid_id}/reverse"
    assert post_form(officer, url, data, form_url=page).status_code == 302
    assert post_form(officer, url, data, form_url=page).status_code == 302  # resubmitted
    assert _count(Disbursement) == 2
    assert db.session.get(PaymentRequest, request.id).status == "payment_approved"
    manager = as_user(personas["grants_manager"])
    assert post_form(manager, url, data, form_url=page).status_code == 403
