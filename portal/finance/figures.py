"""Per-grant money figures, aggregated in SQL in a fixed number of statements.

For each award: amount (committed), disbursed (net of reversals and refunds, award currency),
refunded (unspent funds returned), remaining;
co-finance committed (cost share / leverage, from the agreement's commitments), reported and
verified (cost share / leverage); share of total project cost; shortfall warning when
verified cost share ÷ committed cost share < disbursed ÷ award amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from portal.applications.budget import ratio
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Award, CofinanceCommitment
from portal.core.db import db
from portal.finance.models import CofinanceContribution, Disbursement

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


def _sum_where(column, condition):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def grant_figures(award_ids=None) -> dict[int, GrantFigures]:
    """Three statements whatever the number of grants: awards, ledger, co-finance."""
    from portal.applications.models import Application

    query = (
        select(Award.id, Application.reference, Application.title, Award.currency, Award.amount)
        .join(Application, Application.id == Award.application_id)
        .where(Award.status.in_(MONEY_STATUSES))
    )
    if award_ids is not None:
        query = query.where(Award.id.in_(award_ids))
    rows = db.session.execute(query.order_by(Application.reference)).all()
    figures = {
        r.id: GrantFigures(r.id, r.reference or "", r.title or "", r.currency, r.amount)
        for r in rows
    }
    if not figures:
        return figures
    ids = list(figures)
    paid = db.session.execute(
        select(
            Disbursement.award_id,
            func.sum(Disbursement.award_amount),
            _sum_where(Disbursement.award_amount, Disbursement.kind == "refund"),
        )
        .where(Disbursement.award_id.in_(ids))
        .group_by(Disbursement.award_id)
    )
    for award_id, total, refunds in paid:
        figures[award_id].disbursed = Decimal(total or 0)
        figures[award_id].refunded = -Decimal(refunds or 0)
    _cofinance(figures, ids)
    return figures


def _cofinance(figures: dict, ids: list[int]) -> None:
    c = CofinanceContribution
    cs, lev = c.counts_as == "cost_share", c.counts_as == "leverage"
    contributions = db.session.execute(
        select(
            c.award_id,
            _sum_where(c.amount, cs & (c.status != "rejected")),
            _sum_where(c.amount, cs & (c.status == "verified")),
            _sum_where(c.amount, lev & (c.status != "rejected")),
            _sum_where(c.amount, lev & (c.status == "verified")),
        )
        .where(c.award_id.in_(ids))
        .group_by(c.award_id)
    )
    for award_id, rep_cs, ver_cs, rep_lev, ver_lev in contributions:
        f = figures[award_id]
        f.reported_cost_share, f.verified_cost_share = Decimal(rep_cs), Decimal(ver_cs)
        f.reported_leverage, f.verified_leverage = Decimal(rep_lev), Decimal(ver_lev)
    k = CofinanceCommitment
    commitments = db.session.execute(
        select(
            k.award_id,
            _sum_where(k.amount, k.counts_as == "cost_share"),
            _sum_where(k.amount, k.counts_as == "leverage"),
        )
        .where(k.award_id.in_(ids))
        .group_by(k.award_id)
    )
    for award_id, committed_cs, committed_lev in commitments:
        figures[award_id].committed_cost_share = Decimal(committed_cs)
        figures[award_id].committed_leverage = Decimal(committed_lev)
