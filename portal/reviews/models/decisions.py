"""Screening decisions on applications and the committee's order for remaining ties."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc
from portal.reviews.constants import ScreeningOutcome

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
