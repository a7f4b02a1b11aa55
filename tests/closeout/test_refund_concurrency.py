"""Twenty refunds recorded at once never return more than may be refunded (PostgreSQL: the
award's row lock serialises them, as for payments; SQLite has no row locks)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.finance import ledger
from portal.finance.models import Disbursement
from tests.finance.test_concurrency import _setup
from tests.support.committed import remove_committed_call

D = Decimal
CLABE = "032180000118359719"


@pytest.fixture
def world(app, engine, postgres_only):
    created = _setup(engine)
    yield created
    remove_committed_call(
        engine, created, delete(Disbursement).where(Disbursement.award_id.in_(created["awards"]))
    )


def _entry(key: str) -> ledger.Entry:
    return ledger.Entry(
        paid_on=date(2027, 3, 5),
        amount=D("100.00"),
        currency="MXN",
        bank_reference=f"SPEI {key}",
        clabe=CLABE,
        idempotency_key=f"refund-conc-{key}",
    )


def _refund(engine, award_id, actor, key, advance_id, barrier, results):
    with Session(engine) as s:
        barrier.wait()
        try:
            ledger.refund(award_id, _entry(key), actor, advance_id=advance_id, session=s)
            s.commit()
            results.append(True)
        except ledger.LedgerError:
            s.rollback()
            results.append(False)


def _race(engine, award_id, actor, advance_id, prefix) -> list[bool]:
    n = 20
    barrier = threading.Barrier(n)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=_refund,
            args=(engine, award_id, actor, f"{prefix}{i}", advance_id, barrier, results),
        )
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("against_advance", [True, False])
def test_twenty_refunds_return_exactly_what_may_be_refunded(engine, world, against_advance):
    award_id = world["awards"][0]
    actor = type("Actor", (), {"id": world["user"]})()
    with Session(engine) as s:
        kind = ledger.Kind.ADVANCE if against_advance else ledger.Kind.PAYMENT
        paid, _ = ledger.record(award_id, _entry("paid"), actor, kind=kind, session=s)
        s.commit()
        paid_id = paid.id
    with Session(engine) as s:  # 1,000 paid in all: the first entry was 100
        for i in range(9):
            ledger.record(award_id, _entry(f"more{i}"), actor, kind=kind, session=s)
        s.commit()
    advance_id = paid_id if against_advance else None
    results = _race(engine, award_id, actor, advance_id, "r")
    # Against one advance of 100: one refund; loose, on 1,000 of payments: ten.
    assert results.count(True) == (1 if against_advance else 10)
    with Session(engine) as s:
        refunded = s.scalar(
            select(func.sum(Disbursement.award_amount)).where(
                Disbursement.award_id == award_id, Disbursement.kind == "refund"
            )
        )
    assert refunded == (D("-100.00") if against_advance else D("-1000.00"))
