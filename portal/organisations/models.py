"""Organisations (applicants), memberships and e-mail invitations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, now_utc
from portal.organisations.states import INEGI_CODES

GENERIC_RFCS = ("XAXX010101000", "XEXX010101000")


class OrgKind(StrEnum):
    COMPANY = "company"
    CSO = "cso"
    ACADEMIC = "academic"
    OTHER = "other"


class TaxResidence(StrEnum):
    """Mexican taxpayers give their own RFC; the generic RFCs are only for these two cases."""

    MEXICO = "mexico"
    FOREIGN = "foreign"  # XEXX010101000
    GENERAL_PUBLIC = "general_public"  # XAXX010101000


class MemberRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


_STATES_SQL = ", ".join(f"'{c}'" for c in INEGI_CODES)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('company', 'cso', 'academic', 'other')", name="kind_known"),
        CheckConstraint(
            "tax_residence IN ('mexico', 'foreign', 'general_public')", name="tax_residence_known"
        ),
        CheckConstraint(f"state_code IN ({_STATES_SQL})", name="state_code_known"),
        CheckConstraint(
            "(tax_residence = 'mexico' AND rfc NOT IN ('XAXX010101000', 'XEXX010101000'))"
            " OR (tax_residence = 'foreign' AND rfc = 'XEXX010101000')"
            " OR (tax_residence = 'general_public' AND rfc = 'XAXX010101000')",
            name="generic_rfc_matches_residence",
        ),
        # One organisation per real RFC; the generic RFCs may repeat.
        Index(
            "uq_organisations_rfc_specific",
            "rfc",
            unique=True,
            postgresql_where=text("tax_residence = 'mexico'"),
            sqlite_where=text("tax_residence = 'mexico'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    legal_name: Mapped[str] = mapped_column(String(300))
    tax_residence: Mapped[str] = mapped_column(String(16), default=TaxResidence.MEXICO.value)
    rfc: Mapped[str] = mapped_column(String(13), index=True)
    cluni: Mapped[str | None] = mapped_column(String(40))
    is_donataria: Mapped[bool] = mapped_column(default=False)
    state_code: Mapped[str] = mapped_column(String(2))
    municipality: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(400))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(300))
    legal_rep_name: Mapped[str] = mapped_column(String(200))
    legal_rep_position: Mapped[str | None] = mapped_column(String(120))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    audit_type = "organisation"

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.rfc}>"

    def membership_of(self, user) -> Membership | None:
        from sqlalchemy import select

        from portal.core.db import db

        if not getattr(user, "id", None):
            return None
        return db.session.scalar(
            select(Membership).filter_by(organisation_id=self.id, user_id=user.id)
        )

    def can_view(self, user) -> bool:
        return bool(user.is_authenticated and (user.is_staff or self.membership_of(user)))

    def can_edit(self, user) -> bool:
        m = self.membership_of(user)
        return bool(m and m.role in (MemberRole.OWNER, MemberRole.EDITOR))

    def can_manage(self, user) -> bool:
        """Owners edit the profile, invite members and set the signatory."""
        m = self.membership_of(user)
        return bool(m and m.role == MemberRole.OWNER)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role_known"),
        CheckConstraint("NOT is_signatory OR role != 'viewer'", name="signatory_not_viewer"),
        Index(
            "uq_memberships_one_signatory",
            "organisation_id",
            unique=True,
            postgresql_where=text("is_signatory"),
            sqlite_where=text("is_signatory"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.VIEWER.value)
    is_signatory: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    audit_type = "membership"


class Invitation(Base):
    """An e-mailed invitation to join an organisation. Only the token's hash is stored."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)
    expires_dt: Mapped[datetime]
    accepted_dt: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_dt: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()

    audit_type = "invitation"

    def is_open(self, now: datetime) -> bool:
        return self.accepted_dt is None and self.revoked_dt is None and self.expires_dt > now
