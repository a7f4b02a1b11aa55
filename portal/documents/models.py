"""Document records: one row per upload attempt; clean rows are numbered versions of a slot."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc


class DocumentStatus(StrEnum):
    PENDING = "pending"  # upload slot handed out; bytes in quarantine (or not yet sent)
    CLEAN = "clean"  # verified, moved to its final key, numbered
    REJECTED = "rejected"  # refused at finalize (or never finalized); quarantine object gone


class Document(Base):
    """A stored file attached to an owner object (``owner_type``, ``owner_id``) in a ``slot``.

    The storage key is generated (``documents/<uuid4>``), never derived from the user's file
    name; ``original_name`` is sanitised and only displayed. Rows are never deleted:
    ``deleted_dt`` hides a version while its object stays in storage.
    """

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'clean', 'rejected')", name="status_known"),
        CheckConstraint("storage_backend IN ('local', 's3')", name="backend_known"),
        CheckConstraint("version IS NULL OR version >= 1", name="version_positive"),
        CheckConstraint(
            "(status = 'clean' AND version IS NOT NULL) OR (status != 'clean' AND version IS NULL)",
            name="version_iff_clean",
        ),
        CheckConstraint(
            "status != 'clean' OR (sha256 IS NOT NULL AND size IS NOT NULL AND size > 0"
            " AND content_type IS NOT NULL AND finalized_dt IS NOT NULL)",
            name="clean_is_verified",
        ),
        CheckConstraint("status != 'rejected' OR rejection_code IS NOT NULL", name="rejected_why"),
        CheckConstraint("size IS NULL OR size >= 0", name="size_non_negative"),
        CheckConstraint("deleted_dt IS NULL OR status = 'clean'", name="only_clean_deleted"),
        UniqueConstraint("owner_type", "owner_id", "slot", "version"),
        Index("ix_documents_owner", "owner_type", "owner_id", "slot"),
        Index("ix_documents_status_created", "status", "created_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int]
    slot: Mapped[str] = mapped_column(String(60))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    storage_backend: Mapped[str] = mapped_column(String(10))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    quarantine_key: Mapped[str] = mapped_column(String(200), unique=True)
    declared_type: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=DocumentStatus.PENDING.value)
    rejection_code: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int | None]
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    finalized_dt: Mapped[datetime | None]
    deleted_dt: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id], lazy="raise_on_sql")

    audit_type = "document"

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.owner_type}:{self.owner_id}/{self.slot} v{self.version}>"

    @property
    def is_clean(self) -> bool:
        return self.status == DocumentStatus.CLEAN

    @property
    def is_pending(self) -> bool:
        return self.status == DocumentStatus.PENDING

    @property
    def is_available(self) -> bool:
        """Downloadable: verified and not deleted."""
        return self.is_clean and self.deleted_dt is None
