"""Access matrix for every route of the finance blueprint: grantees see only their own grants,
reviewers see no finance data, only finance officers record disbursements."""

from __future__ import annotations

from portal.finance import cofinance, operations
from portal.finance.models import Disbursement
from tests.finance import helpers

STAFF = {"grants_manager", "finance_officer", "admin"}
READERS = STAFF | {"applicant"}
FINANCE = {"finance_officer"}
EVERYONE_LOGGED_IN = {"applicant", "other_applicant", "reviewer"} | STAFF


def _world(award, personas):
    request = helpers.approved_request(
        award,
        personas["applicant"],
        personas["grants_manager"],
        personas["finance_officer"],
        amount="1000.00",
    )
    operations.pay_request(request, personas["finance_officer"], helpers.entry("500.00", "acc-1"))
    contribution = cofinance.report(
        award,
        personas["applicant"],
        commitment_id=award.commitments[0].id,
        contributor_name="",
        nature="in_kind",
        counts_as="cost_share",
        amount=helpers.D("1000.00"),
        valuation_basis="Renta",
        contributed_on=helpers.date(2027, 3, 1),
    )
    from portal.core.db import db

    db.session.commit()
    return request, contribution


def test_pages(ctx, matrix, award, personas):
    request, contribution = _world(award, personas)
    matrix.check("/finance/", STAFF)
    matrix.check("/finance/mine", EVERYONE_LOGGED_IN)
    matrix.check(f"/finance/grants/{award.id}", READERS)
    matrix.check(f"/finance/requests/{request.id}", READERS)
    matrix.check(f"/documents/payment_request/{request.id}/", READERS)
    matrix.check(f"/documents/cofinance_contribution/{contribution.id}/", READERS)


def test_posts(ctx, matrix, award, personas):
    request, contribution = _world(award, personas)
    r, a = request.id, award.id
    # Incomplete forms: the allowed personas see the page again, nothing changes.
    matrix.check(f"/finance/grants/{a}/requests", {"applicant"}, method="POST")
    matrix.check(f"/finance/requests/{r}/expenses", {"applicant"}, method="POST")
    matrix.check(f"/finance/requests/{r}/cfdi", {"applicant"}, method="POST")
    matrix.check(f"/finance/requests/{r}/submit", {"applicant"}, method="POST")
    matrix.check(f"/finance/requests/{r}/deliverable", {"grants_manager", "admin"}, method="POST")
    matrix.check(f"/finance/requests/{r}/approve", FINANCE, method="POST")
    matrix.check(f"/finance/requests/{r}/disburse", FINANCE, method="POST")
    matrix.check(f"/finance/grants/{a}/advance", FINANCE, method="POST")
    matrix.check(f"/finance/grants/{a}/contributions", {"applicant"}, method="POST")
    first = ctx_disbursement(award)
    matrix.check(f"/finance/disbursements/{first}/reverse", FINANCE, method="POST")
    matrix.check(f"/finance/contributions/{contribution.id}/verify", FINANCE, method="POST")
    assert operations.outstanding_advance(a) == 0


def ctx_disbursement(award) -> int:
    from sqlalchemy import select

    from portal.core.db import db

    return db.session.scalar(select(Disbursement.id).where(Disbursement.award_id == award.id))
