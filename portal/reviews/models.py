"""Screening decisions, rubrics, panels, assignments, reviews, consensus and committee order.

One rubric and one panel per call. A reviewer's assignment to an application carries their
conflict-of-interest declaration (``conflict`` is NULL until declared); a recused assignment is
kept, so automatic assignment never picks that reviewer for that application again. A review
belongs to one assignment; once submitted it stores ``points`` = Σ(weight × score), exact, so
the ranking aggregates in SQL without recomputing each review (the rubric is locked from the
first submitted review on). Invariants are named CHECK constraints.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc
from portal.reviews.constants import (
    DEFAULT_MAX_SCORE,
    DEFAULT_REVIEWERS_PER_APPLICATION,
    AssignmentState,
    ReviewStatus,
    ScreeningOutcome,
)


def Score() -> Numeric:  # noqa: N802 - reads like a type
    """A score or a maximum: one decimal place (half points)."""
    return Numeric(4, 1, asdecimal=True)


def Weight() -> Numeric:  # noqa: N802
    return Numeric(6, 2, asdecimal=True)


def Points() -> Numeric:  # noqa: N802
    """Σ(weight × score): two places × one place = three places, exact."""
    return Numeric(14, 3, asdecimal=True)


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


class Panel(Base):
    __tablename__ = "review_panels"
    __table_args__ = (
        CheckConstraint(
            "reviewers_per_application >= 1 AND reviewers_per_application <= 10",
            name="reviewers_per_application_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    reviewers_per_application: Mapped[int] = mapped_column(
        default=DEFAULT_REVIEWERS_PER_APPLICATION
    )
    blind: Mapped[bool] = mapped_column(default=True)
    show_scores_after_submit: Mapped[bool] = mapped_column(default=False)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    updated_dt: Mapped[datetime | None]

    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="PanelMember.id",
    )
    chair: Mapped[User | None] = relationship(lazy="joined")

    audit_type = "panel"

    def member_ids(self) -> list[int]:
        return [m.user_id for m in self.members]

    def is_member(self, user) -> bool:
        return getattr(user, "id", None) in self.member_ids()

    def is_chair(self, user) -> bool:
        return bool(self.chair_id and getattr(user, "id", None) == self.chair_id)

    def audit_fields(self) -> dict:
        return {
            "reviewers_per_application": self.reviewers_per_application,
            "blind": self.blind,
            "show_scores_after_submit": self.show_scores_after_submit,
            "chair_id": self.chair_id,
        }


class PanelMember(Base):
    __tablename__ = "review_panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("review_panels.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_dt: Mapped[datetime] = mapped_column(default=now_utc)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)


class Assignment(Base):
    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id"),
        CheckConstraint(
            "(conflict IS NULL AND declared_dt IS NULL)"
            " OR (conflict IS NOT NULL AND declared_dt IS NOT NULL)",
            name="declared_iff_dated",
        ),
        Index("ix_review_assignments_call_reviewer", "call_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    automatic: Mapped[bool] = mapped_column(default=False)
    assigned_dt: Mapped[datetime] = mapped_column(default=now_utc)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Conflict-of-interest declaration: NULL until declared; True recuses the reviewer.
    conflict: Mapped[bool | None]
    conflict_note: Mapped[str | None] = mapped_column(Text)
    declared_dt: Mapped[datetime | None]

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id], lazy="raise_on_sql")
    application: Mapped[Application] = relationship(lazy="raise_on_sql")
    review: Mapped[Review | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    audit_type = "review_assignment"

    @property
    def state(self) -> AssignmentState:
        if self.conflict is None:
            return AssignmentState.PENDING
        return AssignmentState.RECUSED if self.conflict else AssignmentState.ACCEPTED

    @property
    def is_active(self) -> bool:
        """Counts towards the application's reviewers (not recused)."""
        return self.conflict is not True


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


_OUTCOMES_SQL = ", ".join(f"'{o.value}'" for o in ScreeningOutcome)


class ScreeningDecision(Base):
    """One screening decision on an application (a request for more information, then a pass
    or a fail); the reasons of a fail are shown to the applicant."""

    __tablename__ = "screening_decisions"
    __table_args__ = (CheckConstraint(f"outcome IN ({_OUTCOMES_SQL})", name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # keys of SCREENING_REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime] = mapped_column(default=now_utc)

    decided_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    audit_type = "screening_decision"

    @property
    def outcome_enum(self) -> ScreeningOutcome:
        return ScreeningOutcome(self.outcome)


class CommitteeOrder(Base):
    """The committee's recorded order for applications that are still tied after the
    criterion and co-finance steps of the tie-break cascade (lower position ranks first)."""

    __tablename__ = "review_committee_orders"
    __table_args__ = (CheckConstraint("position >= 1", name="position_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "committee_order"


from portal.applications.models import Application  # noqa: E402  (mapper registry)
