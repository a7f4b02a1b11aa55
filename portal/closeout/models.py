"""The closeout record of an award (one per award, created when the checklist is first opened).

What the checklist cannot read from elsewhere lives here: the grantee signatory's final
co-finance certification (typed name, the text certified, when), staff's confirmation that the
documents are complete, who closed the grant and when, the closeout letter (a document), and
the records-retention date (2 CFR 200.334: three years from the final financial report's
submission). Reopening clears the closure and keeps the last reason here; every close and
reopen is in the audit log (``award.closed``, ``award.reopened``).

Invariants held by the database: a certification is complete or absent; so is the documents
confirmation and the closure; a closed record has its retention date; a reopened one its reason.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.awards.models import Award
from portal.core.db import Base, now_utc


class Closeout(Base):
    __tablename__ = "closeouts"
    __table_args__ = (
        CheckConstraint(
            "(cofinance_certified_dt IS NULL AND cofinance_certified_by_id IS NULL"
            " AND cofinance_certified_name IS NULL)"
            " OR (cofinance_certified_dt IS NOT NULL AND cofinance_certified_by_id IS NOT NULL"
            " AND cofinance_certified_name IS NOT NULL AND cofinance_certification IS NOT NULL)",
            name="certification_complete",
        ),
        CheckConstraint(
            "(documents_confirmed_dt IS NULL) = (documents_confirmed_by_id IS NULL)",
            name="documents_confirmation_complete",
        ),
        CheckConstraint(
            "(closed_dt IS NULL AND closed_by_id IS NULL)"
            " OR (closed_dt IS NOT NULL AND closed_by_id IS NOT NULL"
            " AND records_retention_until IS NOT NULL)",
            name="closure_complete",
        ),
        CheckConstraint(
            "reopened_dt IS NULL OR (reopened_by_id IS NOT NULL AND reopen_reason IS NOT NULL"
            " AND reopen_reason != '')",
            name="reopen_has_reason",
        ),
        CheckConstraint("reopen_count >= 0", name="reopen_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), unique=True)
    cofinance_certification: Mapped[str | None] = mapped_column(Text)
    cofinance_certified_name: Mapped[str | None] = mapped_column(String(200))
    cofinance_certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cofinance_certified_dt: Mapped[datetime | None]
    documents_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    documents_confirmed_dt: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None]
    letter_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )
    records_retention_until: Mapped[date | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    cofinance_certified_by: Mapped[User | None] = relationship(
        foreign_keys=[cofinance_certified_by_id], lazy="joined"
    )
    documents_confirmed_by: Mapped[User | None] = relationship(
        foreign_keys=[documents_confirmed_by_id], lazy="joined"
    )
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id], lazy="joined")

    audit_type = "closeout"
