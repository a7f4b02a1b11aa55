"""The disbursement ledger: over-payment guard, idempotency, currency conversion, CLABE,
reversing entries (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from portal.core.db import db
from portal.finance import clabe, ledger
from portal.finance.models import Disbursement
from tests.finance.helpers import BAD_CLABE, CLABE, entry

D = Decimal


def test_clabe_rules():
    assert clabe.problem(CLABE) is None
    assert clabe.problem("0321 8000 0118 3597 19") is None
    assert "check digit" in str(clabe.problem(BAD_CLABE))
    assert "18 digits" in str(clabe.problem("12345"))
    assert "18 digits" in str(clabe.problem("03218000011835971X"))
    # A correct check digit but an unknown bank prefix (999).
    body = "99918000011835971"
    assert "bank code" in str(clabe.problem(body + str(clabe.check_digit(body))))


def test_never_over_pays_the_award(award, personas):
    officer = personas["finance_officer"]
    ledger.record(award.id, entry("250000.00", "k1"), officer)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.record(award.id, entry("50000.01", "k2"), officer)
    assert "Over-payment refused" in str(refused.value.errors["amount"][0])
    ledger.record(award.id, entry("50000.00", "k3"), officer)
    assert ledger.paid_on_award(award.id) == D("300000.00")


def test_never_over_pays_the_milestone(award, personas):
    officer = personas["finance_officer"]
    milestone = award.milestones[0]
    ledger.record(award.id, entry("100000.00", "m1"), officer, milestone_id=milestone.id)
    with pytest.raises(ledger.LedgerError):
        ledger.record(award.id, entry("50000.01", "m2"), officer, milestone_id=milestone.id)
    assert ledger.paid_on_milestone(milestone.id) == D("100000.00")


def test_same_key_records_once(award, personas):
    officer = personas["finance_officer"]
    first, created = ledger.record(award.id, entry("1000.00", "same"), officer)
    again, created_again = ledger.record(award.id, entry("1000.00", "same"), officer)
    assert created and not created_again and again.id == first.id
    assert db.session.query(Disbursement).count() == 1


def test_duplicate_insert_caught_in_savepoint(award, personas):
    """The unique constraint is the last line: a twin INSERT is caught, the session lives on."""
    officer = personas["finance_officer"]
    first, _ = ledger.record(award.id, entry("10.00", "twin"), officer)
    twin = Disbursement(
        award_id=award.id,
        kind="payment",
        paid_on=first.paid_on,
        amount=D("10.00"),
        currency="MXN",
        award_amount=D("10.00"),
        award_currency="MXN",
        bank_reference="x",
        clabe=CLABE,
        idempotency_key="twin",
        recorded_by_id=officer.id,
    )
    found, created = ledger._insert(twin)
    assert not created and found.id == first.id
    assert ledger.paid_on_award(award.id) == D("10.00")


def test_other_currency_needs_rate_and_keeps_equivalent(award, personas):
    officer = personas["finance_officer"]
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.record(award.id, entry("100.00", "usd0", currency="USD"), officer)
    assert set(refused.value.errors) == {"exchange_rate", "rate_source"}
    row, _ = ledger.record(
        award.id,
        entry("100.00", "usd1", currency="USD", rate="17.123456", source="banxico_fix"),
        officer,
    )
    assert row.award_amount == D("1712.35")  # 1712.3456 rounded half up
    assert row.award_currency == "MXN"


def test_bad_clabe_refused_and_nothing_recorded(award, personas):
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.record(award.id, entry("10.00", "bad", clabe=BAD_CLABE), personas["finance_officer"])
    assert "clabe" in refused.value.errors
    assert db.session.query(Disbursement).count() == 0


def test_reversal_once_and_not_of_a_reversal(award, personas):
    officer = personas["finance_officer"]
    original, _ = ledger.record(award.id, entry("300000.00", "o1"), officer)
    reversal, _ = ledger.reverse(
        original,
        officer,
        paid_on=original.paid_on,
        bank_reference="",
        note="Wrong account",
        key="r1",
    )
    assert reversal.award_amount == D("-300000.00") and reversal.reverses_id == original.id
    assert ledger.paid_on_award(award.id) == 0
    with pytest.raises(ledger.LedgerError, match="already reversed"):
        ledger.reverse(
            original, officer, paid_on=original.paid_on, bank_reference="", note="x", key="r2"
        )
    with pytest.raises(ledger.LedgerError, match="cannot itself"):
        ledger.reverse(
            reversal, officer, paid_on=original.paid_on, bank_reference="", note="x", key="r3"
        )
    ledger.record(award.id, entry("300000.00", "o2"), officer)  # paid again, correctly


def test_ledger_refuses_update_and_delete_on_postgres(postgres_only, award, personas):
    row, _ = ledger.record(award.id, entry("10.00", "pg"), personas["finance_officer"])
    with pytest.raises(Exception, match="append-only"), db.session.begin_nested():
        db.session.execute(text("UPDATE disbursements SET amount = 1 WHERE id = :i"), {"i": row.id})
    with pytest.raises(Exception, match="append-only"), db.session.begin_nested():
        db.session.execute(text("DELETE FROM disbursements WHERE id = :i"), {"i": row.id})
