"""The audit log table. Rows are inserted only; PostgreSQL refuses UPDATE/DELETE/TRUNCATE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, now_utc

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_created_dt", "created_dt"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def payload(self) -> dict:
        """The fields covered by the hash, in a stable form."""
        return {
            "created_dt": self.created_dt.isoformat(),
            "user_id": self.user_id,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "ip": self.ip,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }


class AuditCheck(Base):
    """One verification of the hash chain (``flask audit verify`` or an administrator's
    "check now"): the administrator's home page shows the latest."""

    __tablename__ = "audit_checks"
    __table_args__ = (CheckConstraint("ok OR problem IS NOT NULL", name="problem_named"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_dt: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    ok: Mapped[bool]
    entries: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str | None] = mapped_column(String(64))
    problem: Mapped[str | None] = mapped_column(String(500))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
