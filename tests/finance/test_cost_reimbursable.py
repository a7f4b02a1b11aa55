"""A cost-reimbursable request lists its expenses by budget category before it is submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import operations
from portal.finance.models import ExpenseLine, PaymentRequest
from tests.support.forms import post_form


def test_expenses_must_cover_the_request(award, personas, as_user):
    award.instrument = "cost_reimbursable"
    applicant = personas["applicant"]
    request = operations.create_request(
        award,
        applicant,
        milestone_id=award.milestones[0].id,
        narrative="Gastos",
        amount=Decimal("1000.00"),
    )
    db.session.commit()
    with pytest.raises(InputError) as refused:
        operations.submit_request(
            request, applicant, certified=True, typed_name=applicant.full_name
        )
    assert "expenses at least equal" in str(refused.value.errors["amount"][0])
    url = f"/finance/requests/{request.id}"
    client = as_user(applicant)
    bad = post_form(
        client,
        f"{url}/expenses",
        {"category": "bribes", "description": "x", "amount": "1"},
        form_url=url,
    )
    assert bad.status_code == 200 and db.session.scalar(select(ExpenseLine.id)) is None
    response = post_form(
        client,
        f"{url}/expenses",
        {"category": "travel", "description": "Pasajes", "amount": "1000.00"},
        form_url=url,
    )
    assert response.status_code == 302
    request = db.session.get(PaymentRequest, request.id)
    with pytest.raises(InputError) as refused:
        operations.submit_request(
            request, applicant, certified=True, typed_name=applicant.full_name
        )
    assert "receipt of every expense" in str(refused.value.errors["receipts"][0])
    _upload_receipt(request, applicant)
    operations.submit_request(
        request, applicant, certified=True, typed_name=applicant.full_name.upper()
    )
    assert request.status == "submitted"
    assert request.expenses[0].receipt_document_id is not None


def _upload_receipt(request, user) -> None:
    import io

    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from portal.documents import operations as documents
    from portal.finance.documents import request_owner
    from tests.documents import samples

    owner = request_owner(request)
    slot = owner.document_slot(f"receipt_{request.expenses[0].id}")
    with current_app.test_request_context():
        outcome = documents.upload_file(
            owner, slot, user, FileStorage(io.BytesIO(samples.pdf("Factura")), filename="r.pdf")
        )
    assert outcome.ok, outcome.message
