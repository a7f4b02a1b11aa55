"""Step-up (issue 17) on payments: approving a payment, recording a disbursement and recording
an advance ask for the second factor again when its proof is old. A stale proof sends the
finance officer to confirm and back to the form's page and changes nothing (status, ledger,
audit trail); a fresh one works as before. Those who may not act are refused as before."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.db import db
from portal.finance import operations
from portal.finance.models import Disbursement, PaymentRequest
from tests.finance import helpers
from tests.finance.test_payment_dates import _payment
from tests.support.forms import csrf_token
from tests.support.step_up import step_up  # noqa: F401


def _disbursements() -> int:
    return db.session.scalar(select(func.count()).select_from(Disbursement))


def _status(request_id: int) -> str:
    db.session.expire_all()
    return db.session.get(PaymentRequest, request_id).status


def _deliverable_approved(award, personas):
    """A submitted request whose deliverable the grants manager approved: the payment next."""
    applicant, manager = personas["applicant"], personas["grants_manager"]
    request = operations.create_request(
        award,
        applicant,
        milestone_id=award.milestones[0].id,
        narrative="Plan entregado",
        amount=award.milestones[0].amount,
    )
    operations.submit_request(request, applicant, certified=True, typed_name=applicant.full_name)
    operations.decide_deliverable(request, manager, decision="approve", comment="Bien")
    db.session.commit()
    return request.id


def test_approving_a_payment(award, personas, as_user, step_up):  # noqa: F811
    request_id = _deliverable_approved(award, personas)
    page = f"/finance/requests/{request_id}"
    before_status = _status(request_id)
    officer = as_user(personas["finance_officer"])
    data = {"amount": "150000.00", "csrf_token": csrf_token(officer, page)}

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(officer.post(f"{page}/approve", data=data), page)
    assert _status(request_id) == before_status
    assert step_up.audit_count() == before
    # A grants manager is refused as before (403), not asked to confirm.
    manager = as_user(personas["grants_manager"])
    refused = manager.post(f"{page}/approve", data={"csrf_token": csrf_token(manager, page)})
    assert refused.status_code == 403

    step_up.fresh()
    response = officer.post(f"{page}/approve", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert _status(request_id) != before_status
    assert step_up.audit_count() > before


def test_recording_a_disbursement(award, personas, as_user, step_up):  # noqa: F811
    request = helpers.approved_request(
        award, personas["applicant"], personas["grants_manager"], personas["finance_officer"]
    )
    request_id = request.id
    page = f"/finance/requests/{request_id}"
    officer = as_user(personas["finance_officer"])
    form = officer.get(page).get_data(as_text=True)
    data = _payment(form, "2027-03-05") | {"csrf_token": csrf_token(officer, page)}

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(officer.post(f"{page}/disburse", data=data), page)
    assert _disbursements() == 0 and _status(request_id) == "payment_approved"
    assert step_up.audit_count() == before

    step_up.fresh()
    response = officer.post(f"{page}/disburse", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert _disbursements() == 1  # a first instalment of MXN 1,000


def test_recording_an_advance(award, personas, as_user, step_up):  # noqa: F811
    award.advance_limit = helpers.D("60000.00")
    db.session.commit()
    page = f"/finance/grants/{award.id}"
    officer = as_user(personas["finance_officer"])
    form = officer.get(page).get_data(as_text=True)
    data = _payment(form, "2027-06-01", prefix="advance-")
    data["csrf_token"] = csrf_token(officer, page)

    step_up.stale()
    before = step_up.audit_count()
    step_up.assert_asked(officer.post(f"{page}/advance", data=data), page)
    assert _disbursements() == 0 and operations.advanced_total(award.id) == 0
    assert step_up.audit_count() == before
    grantee = as_user(personas["applicant"])
    refused = grantee.post(f"{page}/advance", data={"csrf_token": csrf_token(grantee, page)})
    assert refused.status_code == 403

    step_up.fresh()
    assert officer.post(f"{page}/advance", data=data).status_code == 302
    assert operations.advanced_total(award.id) == helpers.D("1000.00")
