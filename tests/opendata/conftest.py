"""A realistic world for the open-data files.

- Grant A (MXN 300,000.00, CSO of organisation A, 12-character RFC, Nuevo León): agreement
  signed on 2027-01-20; ledger 100,000.00 + 50,000.00 then the 50,000.00 reversed (net
  100,000.00); co-finance commitments from the application plus a reported contribution of an
  individual donor.
- Grant B (USD 40,000.00, a natural person with a 13-character RFC, Sonora), in a USD
  programme: 170,000.00 MXN paid at 0.0588 (USD 9,996.00) and USD 1,234.56 (net 11,230.56);
  the end date runs to 2028-12-31, the second milestone is due 2028-06-30.

Every sensitive value seeded here is listed in ``SECRETS``: none may appear in a file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal.accounts.models import User
from portal.awards.models import Agreement, Signature
from portal.calls.models import Programme
from portal.core.db import db
from portal.finance import ledger
from portal.finance.models import CofinanceContribution
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers
from tests.support import factories

D = Decimal
PERSON_RFC = "MAQR800101AB1"
PERSON_NAME = "Rosa Elena Martínez Quiroga"
SECRETS = {
    "clabe": helpers.CLABE,
    "bank reference": "SPEI-REF-7781",
    "other bank reference": "SPEI-REF-9932",
    "reversal reference": "REV-REF-5510",
    "person's RFC": PERSON_RFC,
    "person's name": PERSON_NAME,
    "legal representative": "María López",
    "street address": "Av. Constitución 100",
    "signatory's typed name": "Ana Aplicante Firma",
    "individual co-financier": "Ernesto Donante Pérez",
    "ledger note": "Cuenta equivocada del beneficiario",
}


def entry(amount, key, reference, *, paid_on, currency="MXN", rate=None):
    return ledger.Entry(
        paid_on=paid_on,
        amount=D(amount),
        currency=currency,
        bank_reference=reference,
        clabe=helpers.CLABE,
        idempotency_key=key,
        exchange_rate=D(rate) if rate else None,
        rate_source="banxico_fix" if rate else None,
    )


@pytest.fixture
def world(ctx, app, personas):
    manager, officer = personas["grants_manager"], personas["finance_officer"]
    programme = make_programme(app, managers=[manager])
    call = make_call(
        app, programme, code="CONV-2026-01", status="published", actor=personas["admin"]
    )
    award_a = helpers.active_award(
        call, personas["org_a"], personas["applicant"], manager, title="Mediación vecinal"
    )
    agreement = db.session.query(Agreement).filter_by(award_id=award_a.id).one()
    db.session.add(
        Signature(
            agreement_id=agreement.id,
            user_id=personas["applicant"].id,
            role="grantee",
            typed_name=SECRETS["signatory's typed name"],
            signed_dt=datetime(2027, 1, 20, 18, 0, tzinfo=UTC),
            content_hash="0" * 64,
        )
    )
    first, _ = ledger.record(
        award_a.id,
        entry("100000.00", "a1", SECRETS["bank reference"], paid_on=date(2027, 3, 5)),
        officer,
    )
    second, _ = ledger.record(
        award_a.id,
        entry("50000.00", "a2", SECRETS["other bank reference"], paid_on=date(2027, 4, 2)),
        officer,
    )
    ledger.reverse(
        second,
        officer,
        paid_on=date(2027, 4, 9),
        bank_reference=SECRETS["reversal reference"],
        note=SECRETS["ledger note"],
        key="a2-reversal",
    )
    db.session.add(
        CofinanceContribution(
            award_id=award_a.id,
            contributor_name=SECRETS["individual co-financier"],
            nature="cash",
            counts_as="leverage",
            amount=D("5000.00"),
            currency="MXN",
            contributed_on=date(2027, 3, 10),
            description="Donativo personal",
            reported_by_id=personas["applicant"].id,
        )
    )

    usd_programme = make_programme(
        app, name_es="Fondo Dólar", name_en="Dollar Fund", currency="USD"
    )
    fund = db.session.get(Programme, usd_programme.id)
    fund.managers.append(db.session.get(User, manager.id))
    db.session.commit()
    usd_call = make_call(
        app,
        usd_programme,
        code="CONV-2026-09",
        status="published",
        actor=personas["admin"],
        budget=D("500000.00"),
        min_award=D("10000.00"),
        max_award=D("100000.00"),
    )
    person_user = factories.make_user(name=PERSON_NAME, roles=("applicant",))
    person = factories.make_organisation(
        person_user, rfc=PERSON_RFC, legal_name=PERSON_NAME, state_code="26", kind="other"
    )
    award_b = helpers.active_award(
        usd_call, person, person_user, manager, amount="40000.00", title="Defensoría itinerante"
    )
    award_b.end_date = date(2028, 12, 31)
    award_b.milestones[1].due_date = date(2028, 6, 30)
    db.session.commit()
    ledger.record(
        award_b.id,
        entry("170000.00", "b1", "SPEI-REF-1200", paid_on=date(2027, 3, 15), rate="0.0588"),
        officer,
    )
    ledger.record(
        award_b.id,
        entry("1234.56", "b2", "SPEI-REF-1201", paid_on=date(2027, 5, 2), currency="USD"),
        officer,
    )
    db.session.commit()
    return {
        "a": award_a,
        "b": award_b,
        "first": first,
        "call": call,
        "usd_call": usd_call,
        "programme": programme,
        "person": person,
        "person_user": person_user,
    }
