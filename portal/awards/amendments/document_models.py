"""The signed amendment document (``amendment_documents``) and its signatures
(``amendment_signatures``), like the agreement's (``portal.awards.models.Agreement``).

``content`` is every term of the amendment as JSON; ``previous_hash`` is the signed content
hash of the version it amends (the agreement for amendment 1, the previous amendment for the
next), and ``content`` includes it, so ``content_hash`` covers the whole chain before it. After
both signatures, ``signed_content_hash`` covers the content hash and the signatures; the signed
PDF is rendered once and ``frozen``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.awards.amendments.models import Amendment
from portal.core.db import Base, now_utc


class AmendmentDocument(Base):
    __tablename__ = "amendment_documents"
    __table_args__ = (
        CheckConstraint("language IN ('es', 'en', 'bilingual')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("amendments.id", ondelete="CASCADE"), unique=True
    )
    language: Mapped[str] = mapped_column(String(10), default="es")
    content: Mapped[dict] = mapped_column(JSON)
    previous_hash: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    signed_file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    frozen: Mapped[bool] = mapped_column(default=False)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_dt: Mapped[datetime] = mapped_column(default=now_utc)

    amendment: Mapped[Amendment] = relationship(lazy="joined", innerjoin=True)
    signatures: Mapped[list[AmendmentSignature]] = relationship(
        back_populates="amendment_document",
        order_by="AmendmentSignature.signed_dt",
        lazy="selectin",
    )

    audit_type = "amendment_document"

    @property
    def number(self) -> str:
        return self.content.get("title_number", "")

    def signature(self, role) -> AmendmentSignature | None:
        return next((s for s in self.signatures if s.role == role), None)


class AmendmentSignature(Base):
    __tablename__ = "amendment_signatures"
    __table_args__ = (
        CheckConstraint("role IN ('grantee', 'programme')", name="role_known"),
        UniqueConstraint("version_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("amendment_documents.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(10))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_dt: Mapped[datetime] = mapped_column(default=now_utc)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    content_hash: Mapped[str] = mapped_column(String(64))  # what was signed
    file_sha256: Mapped[str | None] = mapped_column(String(64))  # the PDF that was shown

    amendment_document: Mapped[AmendmentDocument] = relationship(back_populates="signatures")
    user: Mapped[User] = relationship(lazy="joined")

    audit_type = "amendment_signature"
