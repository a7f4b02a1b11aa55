"""Row builders for awards: the award, its milestones, co-finance commitments and agreement,
and a whole grant seeded active. Shared by the demo seed (``portal.demo``) and the tests'
factories.

Each inserts its rows directly, already in their state (seeds and fixtures make no moves),
flushes and never commits; no audit entry, no e-mail. Tests of the award flow itself go
through ``operations`` instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from portal.applications.builders import build_application
from portal.applications.constants import ApplicationStatus
from portal.awards.constants import AgreementStatus, AwardStatus
from portal.awards.models import Agreement, Award, CofinanceCommitment, Milestone
from portal.core.db import db

CENT = Decimal("0.01")


def build_award(
    application,
    proposed_by,
    *,
    amount: Decimal,
    status: str = AwardStatus.ISSUED.value,
    instrument: str = "fixed_amount",
    **columns,
) -> Award:
    """The award of ``application`` in ``status`` (call, programme, organisation and currency
    are the application's)."""
    award = Award(
        application_id=application.id,
        call_id=application.call_id,
        programme_id=application.call.programme_id,
        organisation_id=application.organisation_id,
        status=status,
        instrument=instrument,
        amount=Decimal(amount),
        currency=application.currency,
        proposed_by_id=proposed_by.id,
        **columns,
    )
    db.session.add(award)
    db.session.flush()
    return award


def add_milestones(award: Award, milestones: Iterable[Mapping], *, first: int = 0) -> None:
    """Milestones as column mappings, positioned from ``first``, in the award's currency."""
    award.milestones.extend(
        Milestone(position=position, currency=award.currency, **values)
        for position, values in enumerate(milestones, start=first)
    )


def add_commitments(award: Award, commitments: Iterable[Mapping]) -> None:
    """Co-finance commitments as column mappings (like the application's sources)."""
    award.commitments.extend(
        CofinanceCommitment(position=position, **{**values, "amount": Decimal(values["amount"])})
        for position, values in enumerate(commitments)
    )


def build_agreement(
    award: Award,
    issued_by,
    *,
    number: str,
    content: Mapping,
    content_hash: str | None = None,
    status: str = AgreementStatus.ISSUED.value,
    version: int = 1,
    **columns,
) -> Agreement:
    """Version ``version`` of the award's agreement; ``content_hash`` defaults to the hash of a
    placeholder text naming ``number`` (each agreement its own, so /verify finds one)."""
    agreement = Agreement(
        award_id=award.id,
        number=number,
        version=version,
        status=status,
        content=dict(content),
        content_hash=content_hash or placeholder_hash(number),
        issued_by_id=issued_by.id,
        **columns,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def placeholder_hash(number: str) -> str:
    return hashlib.sha256(f"demo agreement {number}".encode()).hexdigest()


def build_active_grant(
    call,
    organisation,
    signatory,
    manager,
    *,
    number: int,
    title: str,
    amount: Decimal | str,
    cofinance: Iterable[Mapping],
    milestones: Iterable[Mapping],
    submitted_dt: datetime,
    form_version: int | None = None,
    **award_columns,
) -> Award:
    """An awarded application (one budget line, ``cofinance`` as its sources) and its active
    award, with ``milestones``, the same co-finance as commitments and a frozen agreement."""
    amount = Decimal(amount)
    cofinance = [{**c, "amount": Decimal(c["amount"])} for c in cofinance]
    cost_share = sum((c["amount"] for c in cofinance if c["counts_as"] == "cost_share"), Decimal(0))
    leverage = sum((c["amount"] for c in cofinance if c["counts_as"] == "leverage"), Decimal(0))
    application = build_application(
        call,
        organisation,
        signatory,
        title=title,
        status=ApplicationStatus.AWARDED.value,
        number=number,
        submitted_dt=submitted_dt,
        lines=[
            {
                "category": "services",
                "description": title,
                "requested": amount,
                "cofinance": cost_share,
            }
        ],
        sources=cofinance,
        requested_total=amount,
        cost_share_total=cost_share,
        leverage_total=leverage,
        cofinance_pct=(cost_share * 100 / (amount + cost_share)).quantize(CENT),
        **({"form_version": form_version} if form_version is not None else {}),
    )
    award = build_award(
        application, manager, amount=amount, status=AwardStatus.ACTIVE.value, **award_columns
    )
    add_milestones(award, milestones)
    add_commitments(award, cofinance)
    number_a1 = f"{application.reference}-A1"
    build_agreement(
        award,
        manager,
        number=number_a1,
        status=AgreementStatus.ACTIVE.value,
        content={"demo": True, "number": number_a1},
        frozen=True,
    )
    return award
