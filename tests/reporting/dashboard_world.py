"""A small world for the finance dashboard tests, with figures computed by hand.

Two programmes: "Community Justice Fund" (MXN, managed by the ``grants_manager`` persona) with
call CONV-2026-01, and "Border Fund" (USD, managed by nobody but the administrator) with call
CONV-2026-52. Today is fixed at 2027-04-01 (``freeze_today``).

Grant A — organisation A, Nuevo León (19), MXN 300,000.00, commitments (from the application):
  state institution, cost share 90,000.00; other donor, leverage 50,000.00.
  Ledger (milestone 1, request approved for 150,000.00):
    2027-03-05  payment   100,000.00
    2027-03-10  payment    20,000.00
    2027-03-12  reversal  −20,000.00  (of the previous one)
    2027-06-01  payment    30,000.00  (outside the period Jan–Apr 2027)
  → disbursed 130,000.00 (Jan–Apr: 100,000.00); remaining 170,000.00 (at 2027-04-30: 200,000.00)
  Co-finance:
    2027-02-15  cost share, state institution   40,000.00 verified
    2027-03-20  leverage, other donor           10,000.00 reported
    2027-03-25  cost share, state institution    5,000.00 rejected
    2027-05-10  leverage, no commitment          7,000.00 verified (outside Jan–Apr)
  Milestone 2 due 2027-04-20: due soon (19 days left). Request waiting (payment approved).

Grant B — organisation B, Sonora (26), USD 100,000.00, same commitments (90,000.00 cost share,
  50,000.00 leverage). Paid MXN 172,500.00 at 0.057971 on 2027-02-01 = USD 10,000.00.
  Co-finance: 2027-02-20 cost share 8,000.00 verified → shortfall (8 % of the cost share
  verified, 10 % of the award disbursed). Milestone 2 due 2027-03-15: overdue (17 days late).

Rates: USD/MXN 17.500000 on 2027-04-20 (Banxico FIX) and 18.000000 on 2027-05-15 (bank).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from portal.core.db import db
from portal.finance import cofinance, deadlines, ledger, operations
from portal.organisations.models import Organisation
from portal.reporting.models import ExchangeRate
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers

D = Decimal
TODAY = date(2027, 4, 1)


@pytest.fixture
def freeze_today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)
    monkeypatch.setattr(operations, "today", lambda: TODAY)  # payment dates up to today
    return TODAY


@dataclass
class World:
    a: object
    b: object
    request_a: object
    request_b: object
    mxn_programme: object
    usd_programme: object
    mxn_call: object
    usd_call: object


def entry(amount, key, paid_on, *, currency="MXN", rate=None, source=None) -> ledger.Entry:
    return ledger.Entry(
        paid_on=paid_on,
        amount=D(amount),
        currency=currency,
        bank_reference=f"SPEI {key}",
        clabe=helpers.CLABE,
        idempotency_key=key,
        exchange_rate=D(rate) if rate else None,
        rate_source=source,
    )


def contribute(award, user, commitment, counts_as, amount, on, *, nature="cash"):
    return cofinance.report(
        award,
        user,
        commitment_id=commitment.id if commitment is not None else None,
        contributor_name="" if commitment is not None else "Cámara de Comercio",
        nature=nature,
        counts_as=counts_as,
        amount=D(amount),
        valuation_basis="Renta de salones" if nature == "in_kind" else "",
        contributed_on=on,
    )


def build(app, personas, *, extra_grants: int = 0) -> World:
    p = personas
    manager, officer, admin = p["grants_manager"], p["finance_officer"], p["admin"]
    mxn_programme = make_programme(app, managers=[manager])
    usd_programme = make_programme(
        app,
        managers=[],
        name_es="Fondo Fronterizo",
        name_en="Border Fund",
        currency="USD",
        envelope=D("5000000.00"),
    )
    mxn_call = make_call(app, mxn_programme, code="CONV-2026-01", status="published", actor=admin)
    usd_call = make_call(
        app,
        usd_programme,
        code="CONV-2026-52",
        status="published",
        actor=admin,
        applicant_kinds=["cso", "company", "academic"],
    )
    # (the helpers' app contexts end the session: reload organisation B before changing it)
    db.session.get(Organisation, p["org_b"].id).state_code = "26"
    db.session.commit()

    a = helpers.active_award(mxn_call, p["org_a"], p["applicant"], manager, title="Grant A")
    b = helpers.active_award(
        usd_call, p["org_b"], p["other_applicant"], admin, amount="100000.00", title="Grant B"
    )
    for i in range(extra_grants):
        helpers.active_award(
            mxn_call, p["org_a"], p["applicant"], manager, amount="100000.00", title=f"More {i}"
        )

    request_a = helpers.approved_request(a, p["applicant"], manager, officer)
    operations.pay_request(request_a, officer, entry("100000.00", "a-1", date(2027, 3, 5)))
    second, _ = operations.pay_request(
        request_a, officer, entry("20000.00", "a-2", date(2027, 3, 10))
    )
    operations.reverse(
        second,
        officer,
        paid_on=date(2027, 3, 12),
        bank_reference="SPEI dev",
        note="Duplicado",
        key="a-3",
    )
    # Dated after "today": the operations refuse such a date now, so it goes straight into the
    # ledger, like an entry recorded before that rule.
    ledger.record(
        a.id,
        entry("30000.00", "a-4", date(2027, 6, 1)),
        officer,
        milestone_id=request_a.milestone_id,
        request=request_a,
    )

    request_b = helpers.approved_request(b, p["other_applicant"], admin, officer)
    operations.pay_request(
        request_b,
        officer,
        entry("172500.00", "b-1", date(2027, 2, 1), rate="0.057971", source="banxico_fix"),
    )

    cs_a, lev_a = a.commitments
    verified = contribute(a, p["applicant"], cs_a, "cost_share", "40000.00", date(2027, 2, 15))
    contribute(a, p["applicant"], lev_a, "leverage", "10000.00", date(2027, 3, 20))
    rejected = contribute(a, p["applicant"], cs_a, "cost_share", "5000.00", date(2027, 3, 25))
    unassigned = contribute(a, p["applicant"], None, "leverage", "7000.00", date(2027, 5, 10))
    cs_b = b.commitments[0]
    verified_b = contribute(
        b, p["other_applicant"], cs_b, "cost_share", "8000.00", date(2027, 2, 20)
    )
    for contribution in (verified, unassigned, verified_b):
        cofinance.verify(contribution, officer, decision="verify", reason="")
    cofinance.verify(rejected, officer, decision="reject", reason="Sin evidencia")

    a.milestones[1].due_date = date(2027, 4, 20)
    b.milestones[1].due_date = date(2027, 3, 15)
    db.session.add_all(
        [
            ExchangeRate(
                rate_on=date(2027, 4, 20),
                rate=D("17.5"),
                source="banxico_fix",
                recorded_by_id=officer.id,
            ),
            ExchangeRate(
                rate_on=date(2027, 5, 15), rate=D("18"), source="bank", recorded_by_id=officer.id
            ),
        ]
    )
    db.session.commit()
    return World(a, b, request_a, request_b, mxn_programme, usd_programme, mxn_call, usd_call)
