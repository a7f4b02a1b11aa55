"""A call's review panel, its members, and each reviewer's assignment to an application (with
their conflict-of-interest declaration: ``Assignment.state``, moved by
``portal.reviews.states.ASSIGNMENT``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc
from portal.reviews.constants import DEFAULT_REVIEWERS_PER_APPLICATION, AssignmentState


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
    # The calendar day (programme zone) by which reviews are due; shown on the reviewers'
    # home pages, overdue after it.
    reviews_due: Mapped[date | None]
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
            "reviews_due": self.reviews_due,
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

    @state.setter
    def state(self, value: str) -> None:
        """Set by ``portal.reviews.states.ASSIGNMENT.move`` only: the declaration is the state."""
        self.conflict = (
            None if value == AssignmentState.PENDING else value == AssignmentState.RECUSED
        )

    @property
    def is_active(self) -> bool:
        """Counts towards the application's reviewers (not recused)."""
        return self.conflict is not True


from portal.applications.models import Application  # noqa: E402  (mapper registry)
from portal.reviews.models.review import Review  # noqa: E402
