"""The ``amendments`` table: one numbered, reviewed change request per row.

Invariants are named CHECK constraints (known status, positive number, a decision has its
author and time, a rejection or a return for changes has its reasons, anything past the draft
was submitted) and two unique indexes: the number per award, and one open amendment per award.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.awards.amendments.constants import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    AmendmentStatus,
    ChangeKind,
)
from portal.awards.models import Award
from portal.core.db import Base, now_utc


def _quoted(values) -> str:
    return ", ".join(repr(str(v)) for v in values)


_OPEN = f"status IN ({_quoted(OPEN_STATUSES)})"


class Amendment(Base):
    __tablename__ = "amendments"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({_quoted(s.value for s in AmendmentStatus)})", name="status_known"
        ),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(
            f"status NOT IN ({_quoted(DECIDED_STATUSES)}) "
            "OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
            name="decision_recorded",
        ),
        CheckConstraint(
            "status NOT IN ('rejected', 'changes_requested') OR decision_reason IS NOT NULL",
            name="refusal_has_reasons",
        ),
        CheckConstraint(
            "status IN ('draft', 'withdrawn') OR submitted_dt IS NOT NULL",
            name="submitted_when_past_draft",
        ),
        CheckConstraint(
            "status != 'pending_second_approval' "
            "OR (first_approved_by_id IS NOT NULL AND first_approved_dt IS NOT NULL)",
            name="first_approval_recorded",
        ),
        CheckConstraint(
            "decided_by_id IS NULL OR first_approved_by_id IS NULL "
            "OR decided_by_id != first_approved_by_id",
            name="second_approver_differs",
        ),
        UniqueConstraint("award_id", "number"),
        # One open amendment per award: two requests at once cannot both be drafted.
        Index(
            "uq_amendments_award_open",
            "award_id",
            unique=True,
            postgresql_where=text(_OPEN),
            sqlite_where=text(_OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(30), default=AmendmentStatus.DRAFT.value)
    # Kinds of change (``ChangeKind`` values); any kind may be stored, the operations decide
    # which can be requested.
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    justification: Mapped[str] = mapped_column(Text)
    # What changes, as [old, new] pairs: {"end_date": ["2027-01-31", "2027-04-30"],
    # "scope": [null, "narrative"]}; dates in ISO form.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    started_by_staff: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_dt: Mapped[datetime] = mapped_column(default=now_utc)
    submitted_dt: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime | None]
    # The grants manager's words: comments when returned for changes, reasons when rejected.
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The first grants manager's approval of a change that needs a second one (kinds/amount.py).
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_approved_dt: Mapped[datetime | None]

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    first_approved_by: Mapped[User | None] = relationship(
        foreign_keys=[first_approved_by_id], lazy="joined"
    )

    audit_type = "amendment"

    def __repr__(self) -> str:
        return f"<Amendment {self.award_id}/{self.number} {self.status}>"

    @property
    def status_enum(self) -> AmendmentStatus:
        return AmendmentStatus(self.status)

    @property
    def kind_labels(self) -> list:
        return [ChangeKind(k).label for k in self.kinds if k in ChangeKind._value2member_map_]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def new_end_date(self) -> date | None:
        pair = (self.changes or {}).get("end_date")
        return date.fromisoformat(pair[1]) if pair else None

    @property
    def old_end_date(self) -> date | None:
        pair = (self.changes or {}).get("end_date")
        return date.fromisoformat(pair[0]) if pair and pair[0] else None

    @property
    def scope(self) -> str:
        pair = (self.changes or {}).get("scope")
        return pair[1] if pair else ""

    def audit_fields(self) -> dict:
        """The kinds, the justification and every requested change (``[old, new]`` pairs)."""
        return {"kinds": self.kinds, "justification": self.justification, **(self.changes or {})}
