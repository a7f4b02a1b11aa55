"""Per-application score summaries, maintained so the ranking page reads one page of rows.

One row per application that has a submitted review or a consensus (none: not scored yet),
rewritten by ``portal.reviews.summaries`` in the same transaction as every change to its
inputs (reviews, their scores, the consensus, the rubric). ``grp`` (0 ranked, 1 below a
threshold, 2 not scored), ``score`` and ``tie_score`` (both rounded to two places) are what
the ranking orders by; ``detail`` holds the other figures as exact decimal strings. What
changes without touching the scores (title, organisation, status, co-finance, committee
order, assignments, the panel's normalisation) is read live, not stored.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base


class ScoreSummary(Base):
    __tablename__ = "application_score_summaries"
    __table_args__ = (
        CheckConstraint("grp IN (0, 1, 2)", name="grp_known"),
        CheckConstraint("(grp = 2) = (score IS NULL)", name="scored_iff_score"),
        Index("ix_application_score_summaries_call_order", "call_id", "grp", "score"),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    grp: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[Decimal | None] = mapped_column(Numeric(9, 2, asdecimal=True))
    tie_score: Mapped[Decimal | None] = mapped_column(Numeric(9, 2, asdecimal=True))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
