"""Reviews (draft until submitted: ``portal.reviews.states.REVIEW``) with their scores, and the
panel's consensus on an application."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc
from portal.reviews.constants import ReviewStatus
from portal.reviews.models.columns import Points, Score


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint(
            "(status = 'submitted' AND submitted_dt IS NOT NULL AND points IS NOT NULL)"
            " OR (status = 'draft' AND submitted_dt IS NULL AND points IS NULL)",
            name="submitted_is_complete",
        ),
        Index("ix_reviews_call_status", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the assignment (never change) so the ranking needs no extra join.
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT.value)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[Decimal | None] = mapped_column(Points())
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(default=now_utc)
    submitted_dt: Mapped[datetime | None]
    reopened_dt: Mapped[datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin"
    )

    audit_type = "review"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    def score_for(self, criterion_id: int) -> ReviewScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal | None] = mapped_column(Score())
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")


class Consensus(Base):
    """The panel's agreed scores for one application; the individual reviews stay as they are."""

    __tablename__ = "review_consensus"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    points: Mapped[Decimal] = mapped_column(Points())
    summary: Mapped[str] = mapped_column(Text)
    minority_views: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime | None]

    scores: Mapped[list[ConsensusScore]] = relationship(
        back_populates="consensus", cascade="all, delete-orphan", lazy="selectin"
    )
    recorded_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    audit_type = "consensus"

    def score_for(self, criterion_id: int) -> Decimal | None:
        return next((s.score for s in self.scores if s.criterion_id == criterion_id), None)


class ConsensusScore(Base):
    __tablename__ = "review_consensus_scores"
    __table_args__ = (
        UniqueConstraint("consensus_id", "criterion_id"),
        CheckConstraint("score >= 0", name="score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consensus_id: Mapped[int] = mapped_column(ForeignKey("review_consensus.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Score())

    consensus: Mapped[Consensus] = relationship(back_populates="scores")


from portal.reviews.models.panel import Assignment  # noqa: E402
