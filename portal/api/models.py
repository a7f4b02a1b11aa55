"""Personal access tokens of the API. Only a SHA-256 hash of the secret is stored (see
``portal.api.tokens``), with a short display prefix so the owner can tell tokens apart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("expires_dt > created_dt", name="expires_after_created"),
        CheckConstraint("length(token_hash) = 64", name="hash_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    expires_dt: Mapped[datetime]
    last_used_dt: Mapped[datetime | None]
    revoked_dt: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    audit_type = "api_token"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"

    def status(self, now: datetime) -> str:
        """'revoked', 'expired' or 'active' at ``now``."""
        if self.revoked_dt is not None:
            return "revoked"
        if self.expires_dt <= now:
            return "expired"
        return "active"

    def audit_fields(self) -> dict:
        return {"name": self.name, "prefix": self.prefix, "expires_dt": self.expires_dt}
