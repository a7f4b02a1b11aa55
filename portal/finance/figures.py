"""Per-grant money figures, read in one statement from the per-award summaries.

For each award: amount (committed), disbursed (net of reversals and refunds, award currency),
refunded (unspent funds returned), remaining;
co-finance committed (cost share / leverage, from the agreement's commitments), reported and
verified (cost share / leverage); share of total project cost; shortfall warning when
verified cost share ÷ committed cost share < disbursed ÷ award amount.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select

from portal.applications.budget import ratio
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Award
from portal.core.db import db
from portal.core.pagination import Page, paginate

ZERO = Decimal("0")


@dataclass
class GrantFigures:
    award_id: int
    reference: str
    title: str
    currency: str
    amount: Decimal
    disbursed: Decimal = ZERO  # net: reversals and refunds are negative entries
    refunded: Decimal = ZERO  # unspent funds the grantee returned (positive)
    committed_cost_share: Decimal = ZERO
    committed_leverage: Decimal = ZERO
    reported_cost_share: Decimal = ZERO
    verified_cost_share: Decimal = ZERO
    reported_leverage: Decimal = ZERO
    verified_leverage: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.disbursed

    @property
    def total_project_cost(self) -> Decimal:
        return self.amount + self.committed_cost_share

    @property
    def cost_share_ratio(self) -> Decimal | None:
        """Committed cost share as a share of the total project cost (0–1, four places)."""
        return ratio(self.committed_cost_share, self.total_project_cost)

    @property
    def verified_share_ratio(self) -> Decimal | None:
        return ratio(self.verified_cost_share, self.total_project_cost)

    @property
    def shortfall(self) -> bool:
        if self.committed_cost_share <= 0 or self.amount <= 0:
            return False
        return self.verified_cost_share / self.committed_cost_share < self.disbursed / self.amount


def _query(award_ids=None):
    """The awards in force with their per-award summaries, by reference; ``award_ids`` (a list
    or a SELECT of ids) restricts them."""
    from portal.applications.models import Application
    from portal.finance.summaries import AwardFinanceSummary as S

    query = (
        select(
            Award.id,
            Application.reference,
            Application.title,
            Award.currency,
            Award.amount,
            S.disbursed,
            S.refunded,
            S.committed_cost_share,
            S.committed_leverage,
            S.cost_share_reported,
            S.cost_share_verified,
            S.leverage_reported,
            S.leverage_verified,
        )
        .join(Application, Application.id == Award.application_id)
        .outerjoin(S, S.award_id == Award.id)
        .where(Award.status.in_(MONEY_STATUSES))
    )
    if award_ids is not None:
        query = query.where(Award.id.in_(award_ids))
    return query.order_by(Application.reference, Award.id)


def _figures(r) -> GrantFigures:
    f = GrantFigures(r.id, r.reference or "", r.title or "", r.currency, r.amount)
    if r.disbursed is not None:  # a summary row: the grant has money movements
        f.disbursed, f.refunded = Decimal(r.disbursed), Decimal(r.refunded)
        f.committed_cost_share = Decimal(r.committed_cost_share)
        f.committed_leverage = Decimal(r.committed_leverage)
        f.reported_cost_share = Decimal(r.cost_share_reported + r.cost_share_verified)
        f.verified_cost_share = Decimal(r.cost_share_verified)
        f.reported_leverage = Decimal(r.leverage_reported + r.leverage_verified)
        f.verified_leverage = Decimal(r.leverage_verified)
    return f


def grant_figures(award_ids=None) -> dict[int, GrantFigures]:
    """One statement whatever the number of grants: the awards with their per-award summaries
    (``portal.finance.summaries``, kept equal to the ledger in the same transaction)."""
    figures = {}
    for r in db.session.execute(_query(award_ids)):
        figures[r.id] = _figures(r)
    return figures


def grant_figures_page(award_ids, number: int, per_page: int) -> Page:
    """One page of ``grant_figures`` (by reference) in two statements, for the finance index:
    a list of every grant in force (thousands) is too long to render and to read."""
    page = paginate(_query(award_ids), number, per_page)
    return replace(page, items=[_figures(r) for r in page.items])
