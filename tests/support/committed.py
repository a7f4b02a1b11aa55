"""A small world committed for real, for the PostgreSQL concurrency tests.

Threads use their own connections, so they only see committed rows: these tests cannot use the
per-test rolled-back transaction. ``committed_call`` builds a programme, a call, an
organisation, a user and ``applications`` awarded applications; ``remove_committed_call`` deletes
them again (with triggers off for that session only, so append-only ledgers can be cleared).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.calls.models import Call, Programme
from portal.core.db import now_utc
from portal.organisations.models import Organisation
from tests.support.factories import hash_password


def committed_call(engine, *, code: str, budget: str, envelope: str, applications: int) -> dict:
    with Session(engine) as s:
        user = User(
            email=f"{code.lower()}@example.org", full_name="C", password_hash=hash_password("x")
        )
        programme = Programme(
            name_es="P", name_en="P", donor="D", currency="MXN", envelope=Decimal(envelope)
        )
        s.add_all([user, programme])
        s.flush()
        call = Call(
            programme_id=programme.id,
            code=code,
            title_es="C",
            title_en="C",
            currency="MXN",
            budget=Decimal(budget),
        )
        org = Organisation(
            kind="cso",
            legal_name=f"{code} A.C.",
            rfc="GODE561231GR8",
            state_code="19",
            municipality="M",
            address="A",
            legal_rep_name="R",
        )
        s.add_all([call, org])
        s.flush()
        rows = [
            Application(
                call_id=call.id,
                organisation_id=org.id,
                created_by_id=user.id,
                number=i + 1,
                reference=f"{code}-{i + 1:04d}",
                title="t",
                status="awarded",
                currency="MXN",
                submitted_dt=now_utc(),
                form_snapshot={},
                form_version=1,
            )
            for i in range(applications)
        ]
        s.add_all(rows)
        s.commit()
        return {
            "user": user.id,
            "programme": programme.id,
            "call": call.id,
            "org": org.id,
            "applications": [a.id for a in rows],
        }


def remove_committed_call(engine, world: dict, *first) -> None:
    """Delete the world; ``first`` are statements to run before (e.g. dependent ledger rows)."""
    with Session(engine) as s:
        s.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in first:
            s.execute(statement)
        s.execute(delete(Award).where(Award.call_id == world["call"]))
        s.execute(delete(Application).where(Application.call_id == world["call"]))
        s.execute(delete(Call).where(Call.id == world["call"]))
        s.execute(delete(Programme).where(Programme.id == world["programme"]))
        s.execute(delete(Organisation).where(Organisation.id == world["org"]))
        s.execute(delete(User).where(User.id == world["user"]))
        # The replica role skips the foreign keys' ON DELETE CASCADE: drop the summaries too.
        s.execute(
            text(
                "DELETE FROM award_finance_summaries WHERE award_id NOT IN (SELECT id FROM awards)"
            )
        )
        s.execute(
            text(
                "DELETE FROM application_score_summaries"
                " WHERE application_id NOT IN (SELECT id FROM applications)"
            )
        )
        s.commit()
