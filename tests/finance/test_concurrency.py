"""Two officers recording at once never over-pay, and officers on different grants never wait
for each other (PostgreSQL: SQLite has no row locks).

The rows are committed for real (outside the per-test rolled-back transaction) in a dedicated
world of two awards, and removed at the end (the ledger's append-only trigger is bypassed for
the clean-up session only, with ``session_replication_role = replica``)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.awards.models import Award
from portal.finance import ledger
from portal.finance.models import Disbursement
from tests.finance.helpers import CLABE
from tests.support.committed import committed_call, remove_committed_call

D = Decimal


def _setup(engine) -> dict:
    """Two active awards of 1,000 on one call."""
    world = committed_call(
        engine, code="LEDG-2026-01", budget="3000.00", envelope="5000.00", applications=2
    )
    with Session(engine) as s:
        awards = [
            Award(
                application_id=application_id,
                call_id=world["call"],
                programme_id=world["programme"],
                organisation_id=world["org"],
                status="active",
                instrument="fixed_amount",
                amount=D("1000.00"),
                currency="MXN",
                justification="x",
                proposed_by_id=world["user"],
            )
            for application_id in world["applications"]
        ]
        s.add_all(awards)
        s.commit()
        world["awards"] = [a.id for a in awards]
    return world


@pytest.fixture
def world(app, engine, postgres_only):
    created = _setup(engine)
    yield created
    remove_committed_call(
        engine, created, delete(Disbursement).where(Disbursement.award_id.in_(created["awards"]))
    )


def _entry(i: int) -> ledger.Entry:
    return ledger.Entry(
        paid_on=date(2027, 3, 5),
        amount=D("100.00"),
        currency="MXN",
        bank_reference=f"SPEI {i}",
        clabe=CLABE,
        idempotency_key=f"conc-{i}",
    )


def _pay(engine, award_id, actor, i, barrier, results):
    with Session(engine) as s:
        barrier.wait()
        try:
            ledger.record(award_id, _entry(i), actor, session=s)
            s.commit()
            results.append(True)
        except ledger.LedgerError:
            s.rollback()
            results.append(False)


def test_twenty_officers_pay_exactly_the_award(engine, world):
    n = 20
    award_id = world["awards"][0]
    actor = type("Actor", (), {"id": world["user"]})()
    barrier = threading.Barrier(n)
    results: list[bool] = []
    threads = [
        threading.Thread(target=_pay, args=(engine, award_id, actor, i, barrier, results))
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count(True) == 10 and results.count(False) == 10
    with Session(engine) as s:
        total = s.scalar(
            select(func.sum(Disbursement.award_amount)).where(Disbursement.award_id == award_id)
        )
    assert total == D("1000.00")


def test_different_awards_do_not_wait_for_each_other(engine, world):
    first, second = world["awards"]
    actor = type("Actor", (), {"id": world["user"]})()
    with Session(engine) as holder, Session(engine) as other:
        ledger.lock_award(first, holder)  # officer A is in the middle of paying award 1
        other.execute(text("SET LOCAL lock_timeout = '500ms'"))
        ledger.record(second, _entry(900), actor, session=other)  # not blocked
        other.commit()
        blocked = Session(engine)
        try:
            blocked.execute(text("SET LOCAL lock_timeout = '200ms'"))
            with pytest.raises(OperationalError):
                ledger.lock_award(first, blocked)  # the same award does wait
        finally:
            blocked.rollback()
            blocked.close()
        holder.rollback()
