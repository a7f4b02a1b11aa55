"""Read-only look-ups the operations and views share: an application's award, an award's risk
assessment and agreements."""

from __future__ import annotations

from sqlalchemy import select

from portal.awards.constants import AwardStatus
from portal.awards.models import Agreement, Award, RiskAssessment
from portal.core.db import db


def award_of(application_id: int) -> Award | None:
    """The application's award (a refused proposal does not count: a new one may follow)."""
    return db.session.scalar(
        select(Award).where(
            Award.application_id == application_id, Award.status != AwardStatus.REJECTED.value
        )
    )


def risk_of(award: Award) -> RiskAssessment | None:
    return db.session.scalar(select(RiskAssessment).where(RiskAssessment.award_id == award.id))


def agreements_of(award: Award) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.award_id == award.id)
            .order_by(Agreement.version.desc())
        )
    )


def current_agreement(award: Award) -> Agreement | None:
    found = agreements_of(award)
    return found[0] if found else None
