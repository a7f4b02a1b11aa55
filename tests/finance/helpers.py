"""Builders for the finance tests: an active (signed by both parties) award of organisation A
with two milestones of MXN 150,000 and the application's two co-finance commitments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.awards.builders import build_agreement
from portal.awards.constants import AgreementStatus, AwardStatus
from portal.awards.models import Award
from portal.core.db import db
from portal.finance import ledger
from tests.awards import helpers as award_helpers

D = Decimal
# "Today" for payment dates (the grants start on 2027-02-01; see conftest.payments_today).
PAYMENTS_TODAY = date(2027, 6, 30)
CLABE = "032180000118359719"
BAD_CLABE = "032180000118359718"


def activate(award: Award, manager) -> Award:
    build_agreement(
        award,
        manager,
        number=f"AGR-{award.id}-A1",
        status=AgreementStatus.ACTIVE.value,
        language="es",
        content={},
        content_hash="0" * 64,
        frozen=True,
    )
    award.status = AwardStatus.ACTIVE.value
    db.session.commit()
    return award


def active_award(call, organisation, applicant, manager, *, amount="300000.00", title=None):
    application = award_helpers.recommended_application(
        call, organisation, applicant, title=title or "Mediación vecinal", requested=amount
    )
    award = award_helpers.ready_award(application, manager, amount=amount)
    return activate(award, manager)


def entry(amount, key, *, currency="MXN", rate=None, source=None, clabe=CLABE):
    return ledger.Entry(
        paid_on=date(2027, 3, 5),
        amount=D(amount),
        currency=currency,
        bank_reference="SPEI 123",
        clabe=clabe,
        idempotency_key=key,
        exchange_rate=D(rate) if rate else None,
        rate_source=source,
    )


def approved_request(award, applicant, manager, finance, *, amount=None, milestone=None):
    """A payment request carried through certification and both approvals."""
    from portal.finance import operations

    milestone = milestone or award.milestones[0]
    request = operations.create_request(
        award,
        applicant,
        milestone_id=milestone.id,
        narrative="Plan entregado",
        amount=D(amount or milestone.amount),
    )
    operations.submit_request(request, applicant, certified=True, typed_name=applicant.full_name)
    operations.decide_deliverable(request, manager, decision="approve", comment="Bien")
    operations.approve_payment(request, finance, amount=request.amount, comment="")
    db.session.commit()
    return request
