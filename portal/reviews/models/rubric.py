"""A call's rubric and its criteria (weights, maximum and minimum scores, tie-breaker)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import Base, now_utc
from portal.reviews.constants import DEFAULT_MAX_SCORE
from portal.reviews.models.columns import Score, Weight


class Rubric(Base):
    __tablename__ = "review_rubrics"
    __table_args__ = (
        CheckConstraint(
            "overall_threshold IS NULL OR (overall_threshold >= 0 AND overall_threshold <= 100)",
            name="overall_threshold_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    half_points: Mapped[bool] = mapped_column(default=False)
    # On the weighted total scaled to 100.
    overall_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 2, asdecimal=True))
    # Tie-break cascade: the criterion flagged ``is_tie_breaker``, then (if set) the higher
    # co-finance percentage, then the committee's recorded order.
    tie_use_cofinance: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime | None]

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="rubric",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Criterion.position, Criterion.id",
    )

    audit_type = "rubric"

    @property
    def step(self) -> Decimal:
        return Decimal("0.5") if self.half_points else Decimal("1")

    @property
    def tie_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria if c.is_tie_breaker), None)

    def audit_fields(self) -> dict:
        return {
            "half_points": self.half_points,
            "overall_threshold": self.overall_threshold,
            "tie_use_cofinance": self.tie_use_cofinance,
        }


class Criterion(Base):
    __tablename__ = "review_criteria"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("max_score > 0 AND max_score <= 100", name="max_score_range"),
        CheckConstraint(
            "min_score IS NULL OR (min_score >= 0 AND min_score <= max_score)",
            name="min_score_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(
        ForeignKey("review_rubrics.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title_es: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    guidance_es: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Weight())
    max_score: Mapped[Decimal] = mapped_column(Score(), default=DEFAULT_MAX_SCORE)
    # Minimum raw score on this criterion (per review, or the mean/consensus for the ranking).
    min_score: Mapped[Decimal | None] = mapped_column(Score())
    comments_required: Mapped[bool] = mapped_column(default=False)
    is_tie_breaker: Mapped[bool] = mapped_column(default=False)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    audit_type = "criterion"

    def audit_fields(self) -> dict:
        return {
            name: getattr(self, name)
            for name in (
                "position",
                "title_es",
                "title_en",
                "guidance_es",
                "guidance_en",
                "weight",
                "max_score",
                "min_score",
                "comments_required",
                "is_tie_breaker",
            )
        }
