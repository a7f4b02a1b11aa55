"""Organisations (applicants), memberships and e-mail invitations."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, db, now_utc
from portal.core.enums import LabelledEnum
from portal.organisations.mexican_states import INEGI_CODES, state_name

GENERIC_RFCS = ("XAXX010101000", "XEXX010101000")


class OrgKind(LabelledEnum):
    """The type of an organisation (also the applicant types a call is open to)."""

    COMPANY = "company", _l("Private company")
    CSO = "cso", _l("Civil-society organisation")
    ACADEMIC = "academic", _l("Academic institution")
    OTHER = "other", _l("Other")


class TaxResidence(LabelledEnum):
    """Mexican taxpayers give their own RFC; the generic RFCs are only for these two cases."""

    MEXICO = "mexico", _l("Mexico (own RFC)")
    FOREIGN = "foreign", _l("Foreign resident (generic RFC XEXX010101000)")
    GENERAL_PUBLIC = "general_public", _l("General public (generic RFC XAXX010101000)")


class MemberRole(LabelledEnum):
    OWNER = "owner", _l("Owner")
    EDITOR = "editor", _l("Editor")
    VIEWER = "viewer", _l("Viewer")


# Roles that may prepare and sign on behalf of the organisation.
SIGNATORY_ROLES = frozenset({MemberRole.OWNER.value, MemberRole.EDITOR.value})

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

    @property
    def kind_label(self):
        return OrgKind(self.kind).label

    @property
    def residence_label(self):
        return TaxResidence(self.tax_residence).label

    @property
    def state_name(self) -> str:
        return state_name(self.state_code)

    def membership_of(self, user) -> Membership | None:
        """The user's membership here, or None (one query; call once per request)."""
        user_id = getattr(user, "id", None)
        if not user_id:
            return None
        return db.session.scalar(
            select(Membership).filter_by(organisation_id=self.id, user_id=user_id)
        )

    def is_member(self, user) -> bool:
        return self.membership_of(user) is not None

    def can_view(self, user) -> bool:
        """Members see their organisation; staff see every organisation (read-only)."""
        return bool(user.is_authenticated and (user.is_staff or self.is_member(user)))

    def can_edit(self, user) -> bool:
        """Owners and editors prepare work on behalf of the organisation."""
        m = self.membership_of(user)
        return bool(m and m.role in SIGNATORY_ROLES)

    def can_manage(self, user) -> bool:
        """Owners edit the profile, invite and manage members and set the signatory."""
        m = self.membership_of(user)
        return bool(m and m.role == MemberRole.OWNER)

    def is_signatory(self, user) -> bool:
        m = self.membership_of(user)
        return bool(m and m.is_signatory)

    def owner_count(self) -> int:
        return db.session.scalar(
            select(func.count(Membership.id)).filter_by(
                organisation_id=self.id, role=MemberRole.OWNER.value
            )
        )


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

    @property
    def role_label(self):
        return MemberRole(self.role).label


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

    @property
    def role_label(self):
        return MemberRole(self.role).label

    def is_open(self, now: datetime) -> bool:
        return self.accepted_dt is None and self.revoked_dt is None and self.expires_dt > now
