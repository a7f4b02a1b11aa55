"""Second factors (issue 17): an authenticator app (TOTP) with its recovery codes, and
passkeys / security keys (WebAuthn)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import Base, now_utc


class TotpFactor(Base):
    """One authenticator app per user. The shared secret is stored encrypted (Fernet, with a key
    derived from SECRET_KEY); ``confirmed_dt`` is NULL while enrolment waits for the first code.
    ``last_step`` is the last accepted 30-second time step: a code is never accepted twice."""

    __tablename__ = "totp_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    confirmed_dt: Mapped[datetime | None]
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_used_dt: Mapped[datetime | None]

    audit_type = "totp_factor"


class RecoveryCode(Base):
    """One of the ten one-time codes shown at enrolment. Codes carry 50 random bits, so a
    SHA-256 of the normalised code is enough (no slow hash needed to resist guessing)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (
        UniqueConstraint("user_id", "code_hash"),
        CheckConstraint("length(code_hash) = 64", name="code_hash_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    used_dt: Mapped[datetime | None]

    audit_type = "recovery_code"


class WebAuthnCredential(Base):
    """A passkey or security key. ``credential_id`` is the authenticator's id (base64url);
    ``sign_count`` the last counter seen (a counter that goes back means a cloned key)."""

    __tablename__ = "webauthn_credentials"
    __table_args__ = (CheckConstraint("sign_count >= 0", name="sign_count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(60))
    transports: Mapped[str] = mapped_column(String(120), default="")
    # A discoverable credential (resident key) can sign in without the e-mail address.
    discoverable: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_dt: Mapped[datetime | None]

    audit_type = "webauthn_credential"

    def audit_fields(self) -> dict:
        return {"name": self.name}
