"""Two managers awarding at the same moment cannot over-commit the call (PostgreSQL).

Ten threads, each in its own connection and transaction, award 200 from a call budget of
1,000: exactly five succeed. The rows are committed for real (outside the per-test rolled-back
transaction) and removed at the end."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.awards.budget_guard import BudgetExceededError, lock_and_check
from portal.awards.models import Award
from tests.support.committed import committed_call, remove_committed_call


def _award(engine, world, application_id, barrier, results):
    with Session(engine) as s:
        barrier.wait()
        try:
            lock_and_check(s, world["call"], Decimal("200.00"))
            s.add(
                Award(
                    application_id=application_id,
                    call_id=world["call"],
                    programme_id=world["programme"],
                    organisation_id=world["org"],
                    status="approved",
                    instrument="fixed_amount",
                    amount=Decimal("200.00"),
                    currency="MXN",
                    justification="x",
                    proposed_by_id=world["user"],
                )
            )
            s.commit()
            results.append(True)
        except BudgetExceededError:
            s.rollback()
            results.append(False)


def test_concurrent_awards_never_exceed_the_budget(app, engine, postgres_only):
    n = 10
    world = committed_call(
        engine, code="CONC-2026-01", budget="1000.00", envelope="5000.00", applications=n
    )
    try:
        barrier = threading.Barrier(n)
        results: list[bool] = []
        threads = [
            threading.Thread(target=_award, args=(engine, world, a, barrier, results))
            for a in world["applications"]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert results.count(True) == 5 and results.count(False) == 5
        with Session(engine) as s:
            total = s.scalar(select(func.sum(Award.amount)).where(Award.call_id == world["call"]))
        assert total == Decimal("1000.00")
    finally:
        remove_committed_call(engine, world)
