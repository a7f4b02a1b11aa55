"""Refunds of unspent funds in the disbursement ledger (issue 16): their own negative entry,
never more than what may be refunded, once per idempotency key, settling an advance's balance
so the same money is never both liquidated and refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import ledger, operations
from portal.finance.models import Disbursement
from tests.closeout.helpers import entry
from tests.finance.helpers import approved_request

D = Decimal


@pytest.fixture
def with_advance(award, personas):
    award.advance_limit = D("100000.00")
    db.session.commit()
    advance, _ = operations.record_advance(
        award, personas["finance_officer"], entry("80000", "adv")
    )
    db.session.commit()
    return advance


def _refund(award, officer, amount, key, **kwargs):
    return operations.record_refund(award, officer, entry(amount, key), **kwargs)


def test_a_refund_is_its_own_negative_entry(award, personas, with_advance):
    officer = personas["finance_officer"]
    row, created = _refund(award, officer, "30000.00", "r1", advance_id=with_advance.id)
    db.session.commit()
    assert created and row.kind == "refund"
    assert row.amount == D("-30000.00") and row.award_amount == D("-30000.00")
    assert row.advance_id == with_advance.id and row.reverses_id is None
    assert row.bank_reference.startswith("SPEI r1")
    assert ledger.paid_on_award(award.id) == D("50000.00")
    assert ledger.refunded_on_award(award.id) == D("30000.00")
    from portal.finance.figures import grant_figures

    figures = grant_figures([award.id])[award.id]
    assert (figures.disbursed, figures.refunded) == (D("50000.00"), D("30000.00"))
    assert operations.outstanding_advance(award.id) == D("50000.00")
    assert operations.advanced_total(award.id) == D("50000.00")
    # The original advance is untouched: nothing is ever edited.
    assert db.session.get(Disbursement, with_advance.id).award_amount == D("80000.00")
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "disbursement.refunded")
    ).all()
    assert len(audit) == 1 and audit[0].changes["advance"] == with_advance.id


def test_the_same_form_twice_records_once(award, personas, with_advance):
    officer = personas["finance_officer"]
    first, created = _refund(award, officer, "1000", "same", advance_id=with_advance.id)
    again, created_again = _refund(award, officer, "1000", "same", advance_id=with_advance.id)
    assert created and not created_again and first.id == again.id
    assert ledger.refunded_on_award(award.id) == D("1000.00")


def test_never_more_than_the_advance_outstanding(award, personas, with_advance):
    officer = personas["finance_officer"]
    with pytest.raises(InputError) as refused:
        _refund(award, officer, "80000.01", "big", advance_id=with_advance.id)
    assert "outstanding" in str(refused.value.errors["amount"][0])
    _refund(award, officer, "80000.00", "all", advance_id=with_advance.id)
    with pytest.raises(InputError):
        _refund(award, officer, "0.01", "more", advance_id=with_advance.id)
    assert operations.outstanding_advance(award.id) == 0


def test_a_loose_refund_never_takes_the_outstanding_advance(award, personas, with_advance):
    """Net disbursed 80,000 is all advance: a refund not tied to it would let the same money be
    liquidated against a milestone later. Refused; refunding against the advance works."""
    officer = personas["finance_officer"]
    with pytest.raises(InputError) as refused:
        _refund(award, officer, "10.00", "loose")
    assert "advance" in str(refused.value.errors["amount"][0])


def test_cannot_refund_more_than_disbursed_net(award, personas):
    officer = personas["finance_officer"]
    with pytest.raises(InputError):
        _refund(award, officer, "1.00", "nothing-paid")
    request = approved_request(
        award, personas["applicant"], personas["grants_manager"], officer, amount="1000.00"
    )
    operations.pay_request(request, officer, entry("1000.00", "pay"))
    with pytest.raises(InputError):
        _refund(award, officer, "1000.01", "too-much")
    row, _ = _refund(award, officer, "1000.00", "exact")
    assert row.advance_id is None and ledger.paid_on_award(award.id) == 0


def test_liquidation_uses_what_is_left_after_a_refund(award, personas, with_advance):
    officer, manager = personas["finance_officer"], personas["grants_manager"]
    _refund(award, officer, "50000", "part", advance_id=with_advance.id)
    milestone = award.milestones[0]
    applied = operations.liquidate_advances(award, milestone, manager)
    assert applied == D("30000.00")  # not 80,000: 50,000 came back
    assert operations.outstanding_advance(award.id) == 0


def test_a_refund_is_not_reversed_and_an_advance_refunded_is_not_reversed(
    award, personas, with_advance
):
    officer = personas["finance_officer"]
    row, _ = _refund(award, officer, "100", "rev", advance_id=with_advance.id)
    for original in (row, with_advance):
        with pytest.raises(InputError):
            operations.reverse(
                original, officer, paid_on=row.paid_on, bank_reference="", note="x", key="k" * 20
            )


def test_refused_input(award, personas, with_advance):
    officer = personas["finance_officer"]
    with pytest.raises(InputError) as refused:
        _refund(award, officer, "-5", "neg")
    assert "amount" in refused.value.errors
    with pytest.raises(InputError) as refused:
        _refund(award, officer, "5", "foreign", advance_id=999999)
    assert "advance_id" in refused.value.errors
    with pytest.raises(InputError):  # only finance officers
        _refund(award, personas["grants_manager"], "5", "manager", advance_id=with_advance.id)
    assert ledger.refunded_on_award(award.id) == 0


def test_the_database_refuses_a_positive_refund(award, personas):
    row = Disbursement(
        award_id=award.id,
        kind="refund",
        paid_on=award.start_date,
        amount=D("10"),
        currency="MXN",
        award_amount=D("10"),
        award_currency="MXN",
        bank_reference="x",
        clabe="032180000118359719",
        idempotency_key="positive-refund-key",
        recorded_by_id=personas["finance_officer"].id,
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(row)
        db.session.flush()


def test_the_grant_page_form(award, personas, with_advance, as_user):
    from tests.support.forms import csrf_token

    client = as_user(personas["finance_officer"])
    page = client.get(f"/finance/grants/{award.id}").get_data(as_text=True)
    assert "Record a refund of unspent funds" in page
    data = {
        "csrf_token": csrf_token(client, f"/finance/grants/{award.id}"),
        "refund-idempotency_key": "form-key-0123456789",
        "refund-paid_on": "2028-02-15",
        "refund-amount": "2,500.00",
        "refund-currency": "MXN",
        "refund-bank_reference": "SPEI 998877",
        "refund-clabe": "032180000118359719",
        "refund-advance_id": str(with_advance.id),
        "refund-note": "Saldo no ejercido",
    }
    response = client.post(f"/finance/grants/{award.id}/refund", data=data)
    assert response.status_code == 302
    assert client.post(f"/finance/grants/{award.id}/refund", data=data).status_code == 302
    assert ledger.refunded_on_award(award.id) == D("2500.00")  # once
    page = client.get(f"/finance/grants/{award.id}").get_data(as_text=True)
    assert "Refund" in page and "SPEI 998877" in page
    data["refund-idempotency_key"] = "form-key-abcdefghij"
    data["refund-amount"] = "900000.00"
    refused = client.post(f"/finance/grants/{award.id}/refund", data=data)
    assert refused.status_code == 200 and "Refund refused" in refused.get_data(as_text=True)
    assert ledger.refunded_on_award(award.id) == D("2500.00")


def test_money_refunded_is_not_reversed_as_well(award, personas):
    officer = personas["finance_officer"]
    request = approved_request(
        award, personas["applicant"], personas["grants_manager"], officer, amount="1000.00"
    )
    payment, _ = operations.pay_request(request, officer, entry("1000.00", "pay"))
    _refund(award, officer, "400.00", "part")
    with pytest.raises(InputError) as refused:
        operations.reverse(
            payment, officer, paid_on=payment.paid_on, bank_reference="", note="x", key="k" * 20
        )
    assert "Refunds already returned" in str(refused.value.errors[""][0])
    assert ledger.paid_on_award(award.id) == D("600.00")


def test_the_ledger_refuses_a_grant_closed_meanwhile(award, personas, with_advance):
    """The operation's guard read the award before the lock; the ledger reads it again under
    the lock, which the closure also takes."""
    from sqlalchemy import update

    from portal.awards.models import Award

    db.session.execute(update(Award).where(Award.id == award.id).values(status="closed"))
    for attempt in (
        lambda: ledger.refund(award.id, entry("10", "late"), personas["finance_officer"]),
        lambda: ledger.record(award.id, entry("10", "late2"), personas["finance_officer"]),
    ):
        with pytest.raises(ledger.LedgerError) as refused:
            attempt()
        assert "closed" in str(refused.value.errors[""][0])
