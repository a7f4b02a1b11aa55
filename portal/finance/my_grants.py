"""*My grants*: every award of the user's organisations that the grantee may see, in every
state, each with the next step for this person (sign, wait for the programme, report)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Agreement, Award
from portal.awards.permissions import HIDDEN_FROM_GRANTEE
from portal.core.db import db
from portal.finance import figures
from portal.organisations.models import Membership, Organisation

# The order of the groups on the page: what needs this person first.
ORDER = ("issued", "approved", "signed_by_grantee", "active", "closed")


@dataclass
class MyGrant:
    award: Award
    reference: str
    title: str
    organisation: str
    is_signatory: bool
    agreement: Agreement | None  # the version waiting for signatures, if any
    money: figures.GrantFigures | None  # active grants only


def my_grants(user) -> list[MyGrant]:
    """Three statements plus the active grants' figures (three more), whatever the count."""
    rows = db.session.execute(
        select(Award, Application.reference, Application.title, Organisation.legal_name)
        .add_columns(Membership.is_signatory)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Membership, Membership.organisation_id == Award.organisation_id)
        .where(Membership.user_id == user.id, Award.status.not_in(HIDDEN_FROM_GRANTEE))
    ).all()
    ids = [r.Award.id for r in rows]
    waiting = (
        {
            a.award_id: a
            for a in db.session.scalars(
                select(Agreement).where(
                    Agreement.award_id.in_(ids),
                    Agreement.status.in_(("issued", "signed_by_grantee")),
                )
            )
        }
        if ids
        else {}
    )
    active = [r.Award.id for r in rows if r.Award.status in MONEY_STATUSES]
    money = figures.grant_figures(active) if active else {}
    grants = [
        MyGrant(
            award=r.Award,
            reference=r.reference or "",
            title=r.title or "",
            organisation=r.legal_name,
            is_signatory=bool(r.is_signatory),
            agreement=waiting.get(r.Award.id),
            money=money.get(r.Award.id),
        )
        for r in rows
    ]
    rank = {status: i for i, status in enumerate(ORDER)}
    grants.sort(key=lambda g: (rank.get(g.award.status, len(ORDER)), g.reference))
    return grants
