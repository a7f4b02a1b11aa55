"""A grant's budget by category (issue 15, budget realignment).

``award_budget_lines`` holds one row per award and ``BudgetCategory``, written when a budget
realignment takes effect. Until then a grant's budget is its application's budget lines'
``requested`` amounts summed per category; when those do not add up to the award amount (the
award was granted for less, or changed), the realignment form says so and realigns within the
award amount (``total_of``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.applications.constants import BudgetCategory
from portal.applications.models import BudgetLine
from portal.core.db import Base, Money, db

CATEGORIES = tuple(c.value for c in BudgetCategory)
ZERO = Decimal("0")


class AwardBudgetLine(Base):
    __tablename__ = "award_budget_lines"
    __table_args__ = (
        CheckConstraint(
            "category IN (" + ", ".join(repr(c) for c in CATEGORIES) + ")", name="category_known"
        ),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        UniqueConstraint("award_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money())


def _stored(award) -> dict[str, Decimal]:
    rows = db.session.scalars(select(AwardBudgetLine).where(AwardBudgetLine.award_id == award.id))
    return {row.category: row.amount for row in rows}


def budget_of(award) -> dict[str, Decimal]:
    """Every category's amount (zero when absent), in ``BudgetCategory`` order."""
    stored = _stored(award)
    if not stored:
        lines = db.session.execute(
            select(BudgetLine.category, func.sum(BudgetLine.requested))
            .where(BudgetLine.application_id == award.application_id)
            .group_by(BudgetLine.category)
        )
        stored = {category: Decimal(total or 0) for category, total in lines}
    return {c: stored.get(c, ZERO) for c in CATEGORIES}


def total_of(award) -> Decimal:
    """The total to realign within: the award amount."""
    return award.amount


def mismatch(award) -> Decimal | None:
    """How far the budget's categories are from the award amount (``None`` when they match)."""
    total = sum(budget_of(award).values(), ZERO)
    return None if total == award.amount else total - award.amount


def write(award, amounts: dict[str, Decimal]) -> None:
    """Store ``amounts`` as the grant's budget (one row per category)."""
    rows = {
        row.category: row
        for row in db.session.scalars(
            select(AwardBudgetLine).where(AwardBudgetLine.award_id == award.id).with_for_update()
        )
    }
    for category in CATEGORIES:
        amount = amounts.get(category, ZERO)
        if category in rows:
            rows[category].amount = amount
        else:
            db.session.add(AwardBudgetLine(award_id=award.id, category=category, amount=amount))
    db.session.flush()
