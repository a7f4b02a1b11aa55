"""Access matrix for every closeout route (issue 16) and the refund route: whoever sees the
grant's finances reads the checklist, the letter and the expenditure; the grantee's signatory
certifies; the organisation's owners and editors enter the expenditure; the programme's grants
managers (and administrators) confirm the documents and close; administrators reopen; finance
officers record refunds. Everybody else: nothing."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.models import User
from portal.awards.models import Award
from portal.core.db import db
from portal.finance import operations as finance_operations
from portal.reports.constants import ReportKind
from tests.closeout import helpers

MANAGERS = {"grants_manager", "admin"}
READERS = MANAGERS | {"finance_officer", "applicant"}


@pytest.fixture
def ready(award, personas):
    helpers.ready_to_close(award, personas)
    return award


def _name(personas, persona):
    user = personas.get(persona)
    return user.full_name if isinstance(user, User) else ""


def test_the_checklist_and_closing(matrix, ready, personas):
    a = ready.id
    matrix.check(f"/closeout/grants/{a}", READERS)
    matrix.check(
        f"/closeout/grants/{a}/certify",
        {"applicant"},  # already certified: refused on the form (shown again, 200)
        method="POST",
        data_for=lambda p: {"certified": "y", "typed_name": _name(personas, p)},
    )
    matrix.check(f"/closeout/grants/{a}/documents", MANAGERS, method="POST")
    matrix.check(f"/closeout/grants/{a}/close", MANAGERS, method="POST")
    db.session.expire_all()
    assert db.session.get(Award, a).status == "closed"
    matrix.check(f"/closeout/grants/{a}/letter", READERS)
    matrix.check(
        f"/closeout/grants/{a}/reopen", {"admin"}, method="POST", data={"reason": "Auditoría"}
    )
    db.session.expire_all()
    assert db.session.get(Award, a).status == "active"


def test_certifying(matrix, award, personas):
    matrix.check(
        f"/closeout/grants/{award.id}/certify",
        {"applicant"},
        method="POST",
        data_for=lambda p: {"certified": "y", "typed_name": _name(personas, p)},
    )
    db.session.expire_all()
    from portal.closeout.operations import closeout_of

    assert closeout_of(db.session.get(Award, award.id)).cofinance_certified_dt is not None


def test_the_expenditure_page(matrix, award, personas):
    report = helpers.report(award, ReportKind.FINANCIAL, period_end=date(2027, 7, 31))
    db.session.commit()
    url = f"/closeout/reports/{report.id}/expenditure"
    matrix.check(url, READERS)
    amounts = {c: "100.00" for c in ("personnel", "equipment", "travel", "services")}
    matrix.check(url, {"applicant"}, method="POST", data={**amounts, "supplies": "0", "other": "0"})


def test_recording_a_refund(matrix, award, personas):
    award.advance_limit = 50000
    finance_operations.record_advance(
        award, personas["finance_officer"], helpers.entry("10000", "adv")
    )
    db.session.commit()
    counter = iter(range(100))

    def refund(_persona):
        return {
            "refund-idempotency_key": f"matrix-refund-key-{next(counter):04d}",
            "refund-paid_on": "2028-02-15",
            "refund-amount": "10.00",
            "refund-currency": "MXN",
            "refund-bank_reference": "SPEI 1",
            "refund-clabe": helpers.CLABE,
            "refund-advance_id": "0",
        }

    matrix.check(
        f"/finance/grants/{award.id}/refund", {"finance_officer"}, method="POST", data_for=refund
    )
