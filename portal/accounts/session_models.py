"""Server-side sessions and the devices a user has signed in from (issue 17).

The browser's signed session cookie carries only ``<user id>:<session key>``; the row named by
the key's SHA-256 says whether that session still counts. Logging out, "sign out other
sessions", a password change, deactivation or an administrator revoke rows, and a revoked row
refuses the cookie at once, even a copy taken before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, now_utc


class UserSession(Base):
    __tablename__ = "user_sessions"
    __table_args__ = (
        CheckConstraint("length(key_hash) = 64", name="key_hash_is_sha256"),
        CheckConstraint("expires_dt > created_dt", name="expires_after_created"),
        CheckConstraint("method IN ('password', 'passkey')", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 (hex) of the random key in the cookie: a copy of the table opens no session.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(16), default="password")
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_dt: Mapped[datetime] = mapped_column(default=now_utc)
    expires_dt: Mapped[datetime]
    # When a second factor was last proven in this session (sign-in, enrolment, step-up).
    factor_dt: Mapped[datetime | None]
    revoked_dt: Mapped[datetime | None]
    # "logout", "others", "password", "admin", "deactivated", "factor_reset"…
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    audit_type = "user_session"

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"

    def is_live(self, now: datetime) -> bool:
        return self.revoked_dt is None and self.expires_dt > now


class KnownDevice(Base):
    """A browser that has signed in to this account before, named by a long-lived random
    cookie (its SHA-256 here). A sign-in from a browser without one is a "new device": the user
    is told by e-mail; a known device is also spared the account-wide login slow-down."""

    __tablename__ = "known_devices"
    __table_args__ = (
        UniqueConstraint("user_id", "key_hash"),
        CheckConstraint("length(key_hash) = 64", name="key_hash_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_dt: Mapped[datetime] = mapped_column(default=now_utc)
