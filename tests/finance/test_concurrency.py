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

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.calls.models import Call, Programme
from portal.core.db import now_utc
from portal.finance import ledger
from portal.finance.models import Disbursement
from portal.organisations.models import Organisation
from tests.finance.helpers import CLABE
from tests.support.factories import hash_password

D = Decimal


def _setup(engine) -> dict:
    with Session(engine) as s:
        user = User(
            email="ledger-conc@example.org", full_name="L", password_hash=hash_password("x")
        )
        programme = Programme(
            name_es="P", name_en="P", donor="D", currency="MXN", envelope=D("5000.00")
        )
        s.add_all([user, programme])
        s.flush()
        call = Call(
            programme_id=programme.id,
            code="LEDG-2026-01",
            title_es="C",
            title_en="C",
            currency="MXN",
            budget=D("3000.00"),
        )
        org = Organisation(
            kind="cso",
            legal_name="Ledger A.C.",
            rfc="GODE561231GR8",
            state_code="19",
            municipality="M",
            address="A",
            legal_rep_name="R",
        )
        s.add_all([call, org])
        s.flush()
        awards = []
        for i in range(2):
            application = Application(
                call_id=call.id,
                organisation_id=org.id,
                created_by_id=user.id,
                number=i + 1,
                reference=f"LEDG-2026-01-{i + 1:04d}",
                title="t",
                status="awarded",
                currency="MXN",
                submitted_dt=now_utc(),
                form_snapshot={},
                form_version=1,
            )
            s.add(application)
            s.flush()
            award = Award(
                application_id=application.id,
                call_id=call.id,
                programme_id=programme.id,
                organisation_id=org.id,
                status="active",
                instrument="fixed_amount",
                amount=D("1000.00"),
                currency="MXN",
                justification="x",
                proposed_by_id=user.id,
            )
            s.add(award)
            s.flush()
            awards.append(award.id)
        s.commit()
        return {
            "user": user.id,
            "programme": programme.id,
            "call": call.id,
            "org": org.id,
            "awards": awards,
        }


def _cleanup(engine, world) -> None:
    with Session(engine) as s:
        s.execute(text("SET LOCAL session_replication_role = replica"))
        s.execute(delete(Disbursement).where(Disbursement.award_id.in_(world["awards"])))
        s.execute(delete(Award).where(Award.call_id == world["call"]))
        s.execute(delete(Application).where(Application.call_id == world["call"]))
        s.execute(delete(Call).where(Call.id == world["call"]))
        s.execute(delete(Programme).where(Programme.id == world["programme"]))
        s.execute(delete(Organisation).where(Organisation.id == world["org"]))
        s.execute(delete(User).where(User.id == world["user"]))
        s.commit()


@pytest.fixture
def world(app, engine, postgres_only):
    created = _setup(engine)
    yield created
    _cleanup(engine, created)


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
