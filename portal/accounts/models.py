"""User accounts and their portal roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.roles import STAFF_ROLES, Role
from portal.core.db import Base, now_utc


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('es', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # NULL until the user sets a password (invited staff); such accounts cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_dt: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(2), default="es")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Mexico_City")
    # ``users.session_token`` is no longer mapped (unused since issue 17: sessions live in
    # ``user_sessions``); the column stays, nullable, until the next release drops it
    # (expand/contract: docs/migrations.md).
    # The WebAuthn user handle: random, never the e-mail address or the id (set at the first
    # passkey registration).
    webauthn_handle: Mapped[str | None] = mapped_column(String(86), unique=True)
    password_changed_dt: Mapped[datetime | None]
    last_login_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    audit_type = "user"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login protocol -------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Flask-Login stores this at login_user(); session_auth.start_session replaces it at
        # once with "<id>:<session key>", the value every request is loaded from.
        return str(self.id)

    # Roles -----------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_verified(self) -> bool:
        return self.email_verified_dt is not None

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if Role(r.role) in wanted]
        have = {Role(r.role) for r in self.role_rows}
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role.value))


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(
            "role IN ('applicant', 'reviewer', 'grants_manager', 'finance_officer', 'admin')",
            name="role_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    user: Mapped[User] = relationship(back_populates="role_rows")
