"""Two managers awarding at the same moment cannot over-commit the call (PostgreSQL).

Ten threads, each in its own connection and transaction, award 200 from a call budget of
1,000: exactly five succeed. The rows are committed for real (outside the per-test rolled-back
transaction) and removed at the end."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.applications.models import Application
from portal.awards.budget_guard import BudgetExceededError, lock_and_check
from portal.awards.models import Award
from portal.calls.models import Call, Programme
from portal.core.db import now_utc
from portal.organisations.models import Organisation
from tests.support.factories import hash_password


def _setup(engine, n: int) -> dict:
    from portal.accounts.models import User

    with Session(engine) as s:
        user = User(
            email="concurrency@example.org", full_name="C", password_hash=hash_password("x")
        )
        s.add(user)
        programme = Programme(
            name_es="P", name_en="P", donor="D", currency="MXN", envelope=Decimal("5000.00")
        )
        s.add(programme)
        s.flush()
        call = Call(
            programme_id=programme.id,
            code="CONC-2026-01",
            title_es="C",
            title_en="C",
            currency="MXN",
            budget=Decimal("1000.00"),
        )
        org = Organisation(
            kind="cso",
            legal_name="Conc A.C.",
            rfc="GODE561231GR8",
            state_code="19",
            municipality="M",
            address="A",
            legal_rep_name="R",
        )
        s.add_all([call, org])
        s.flush()
        ids = []
        for i in range(n):
            a = Application(
                call_id=call.id,
                organisation_id=org.id,
                created_by_id=user.id,
                number=i + 1,
                reference=f"CONC-2026-01-{i + 1:04d}",
                title="t",
                status="awarded",
                currency="MXN",
                submitted_dt=now_utc(),
                form_snapshot={},
                form_version=1,
            )
            s.add(a)
            s.flush()
            ids.append(a.id)
        s.commit()
        return {
            "user": user.id,
            "programme": programme.id,
            "call": call.id,
            "org": org.id,
            "applications": ids,
        }


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


def _cleanup(engine, world) -> None:
    from portal.accounts.models import User

    with Session(engine) as s:
        s.execute(delete(Award).where(Award.call_id == world["call"]))
        s.execute(delete(Application).where(Application.call_id == world["call"]))
        s.execute(delete(Call).where(Call.id == world["call"]))
        s.execute(delete(Programme).where(Programme.id == world["programme"]))
        s.execute(delete(Organisation).where(Organisation.id == world["org"]))
        s.execute(delete(User).where(User.id == world["user"]))
        s.commit()


def test_concurrent_awards_never_exceed_the_budget(app, engine, postgres_only):
    n = 10
    world = _setup(engine, n)
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
        _cleanup(engine, world)
