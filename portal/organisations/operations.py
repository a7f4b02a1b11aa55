"""Organisation business logic: validate, change state, audit, flush. Never commits.

The request's unit of work commits once (portal/core/unit_of_work.py). Membership changes lock
the organisation row first (``SELECT ... FOR UPDATE`` on PostgreSQL) so two owners demoting each
other at the same moment cannot leave an organisation without an owner.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.audit.operations import diff, record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.urls import external_url
from portal.mail.operations import email_user
from portal.organisations.models import (
    SIGNATORY_ROLES,
    MemberRole,
    Membership,
    Organisation,
    TaxResidence,
)

PROFILE_FIELDS = (
    "kind",
    "legal_name",
    "tax_residence",
    "rfc",
    "cluni",
    "is_donataria",
    "state_code",
    "municipality",
    "address",
    "postal_code",
    "website",
    "legal_rep_name",
    "legal_rep_position",
)
# Staff who are told about duplicate RFCs.
DUPLICATE_RFC_RECIPIENTS = (Role.GRANTS_MANAGER, Role.ADMIN)
# One e-mail to staff per user and organisation in this window; every attempt is audited.
DUPLICATE_RFC_EMAIL_WINDOW = timedelta(hours=24)


class OrganisationError(InputError):
    """A refused change; ``message`` is shown to the user (on the form's ``field``, "" = the
    whole form) and nothing was changed."""

    def __init__(self, message, field: str = "") -> None:
        super().__init__({field: [message]})
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class DuplicateRFCError(OrganisationError):
    def __init__(self, existing: Organisation) -> None:
        super().__init__(
            _l(
                "An organisation with this RFC is already registered. Please ask its owner "
                "to invite you to join it instead of registering it again."
            ),
            "rfc",
        )
        self.existing = existing


# --- profile ---------------------------------------------------------------------------


def find_duplicate(rfc: str, tax_residence: str, exclude_id: int | None = None):
    """The organisation already registered with this (specific, Mexican) RFC, if any."""
    if tax_residence != TaxResidence.MEXICO.value:
        return None
    stmt = select(Organisation).where(
        Organisation.rfc == rfc, Organisation.tax_residence == TaxResidence.MEXICO.value
    )
    if exclude_id is not None:
        stmt = stmt.where(Organisation.id != exclude_id)
    return db.session.scalar(stmt.limit(1))


def snapshot(org: Organisation) -> dict:
    return {name: getattr(org, name) for name in PROFILE_FIELDS}


def register_organisation(user, data: dict) -> Organisation:
    """Create the organisation; ``user`` becomes its owner and designated signatory."""
    org = Organisation(created_by_id=user.id, **_profile(data))
    _flush_guarding_rfc(org, add=True)
    owner = Membership(
        organisation_id=org.id,
        user_id=user.id,
        role=MemberRole.OWNER.value,
        is_signatory=True,
    )
    db.session.add(owner)
    db.session.flush()
    record(
        "organisation.created",
        org,
        changes={**snapshot(org), "owner_user_id": user.id, "signatory_user_id": user.id},
        organisation_id=org.id,
    )
    return org


def update_profile(org: Organisation, data: dict) -> dict:
    """Apply profile changes; returns the audited diff (empty when nothing changed)."""
    before = snapshot(org)
    for name, value in _profile(data).items():
        setattr(org, name, value)
    changes = diff(before, snapshot(org))
    if changes:
        _flush_guarding_rfc(org)
        record("organisation.updated", org, changes=changes, organisation_id=org.id)
    return changes


def _profile(data: dict) -> dict:
    return {name: data[name] for name in PROFILE_FIELDS if name in data}


def _flush_guarding_rfc(org: Organisation, add: bool = False) -> None:
    """Flush; a concurrent registration of the same RFC becomes ``DuplicateRFCError``."""
    rfc, residence, org_id = org.rfc, org.tax_residence, org.id
    try:
        with db.session.begin_nested():
            if add:
                db.session.add(org)
            db.session.flush()
    except IntegrityError:
        existing = find_duplicate(rfc, residence, exclude_id=org_id)
        if existing is None:
            raise
        raise DuplicateRFCError(existing) from None


def flag_duplicate_rfc(user, rfc: str, existing: Organisation, attempted_name: str | None):
    """Audit an attempt to register an RFC that exists and tell grants managers and admins.

    The user is only told that the RFC exists; the existing organisation's members stay
    private. Staff receive one e-mail per user and organisation per day.
    """
    recently = _recently_flagged(user, existing)
    record(
        "organisation.duplicate_rfc_attempt",
        existing,
        changes={"rfc": rfc, "attempted_legal_name": attempted_name, "attempted_by": user.email},
        organisation_id=existing.id,
    )
    if recently:
        return []
    url = external_url("organisations.show", org_id=existing.id)
    return [
        email_user(
            "organisation_duplicate_rfc",
            recipient,
            applicant=user,
            rfc=rfc,
            attempted_name=attempted_name,
            existing=existing,
            url=url,
        )
        for recipient in staff_to_alert()
    ]


def staff_to_alert() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_([r.value for r in DUPLICATE_RFC_RECIPIENTS]))
            .where(User.is_active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _recently_flagged(user, existing: Organisation) -> bool:
    since = now_utc() - DUPLICATE_RFC_EMAIL_WINDOW
    found = db.session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == "organisation.duplicate_rfc_attempt",
            AuditEntry.user_id == user.id,
            AuditEntry.object_type == "organisation",
            AuditEntry.object_id == str(existing.id),
            AuditEntry.created_dt >= since,
        )
        .limit(1)
    )
    return found is not None


# --- members ---------------------------------------------------------------------------


def lock(org: Organisation) -> None:
    """Serialise membership changes of one organisation (no-op on SQLite)."""
    db.session.execute(select(Organisation.id).where(Organisation.id == org.id).with_for_update())


def _is_last_owner(membership: Membership) -> bool:
    if membership.role != MemberRole.OWNER.value:
        return False
    return membership.organisation.owner_count() <= 1


def change_role(membership: Membership, role: str) -> None:
    org = membership.organisation
    lock(org)
    role = MemberRole(role).value
    if role == membership.role:
        return
    if _is_last_owner(membership):
        raise OrganisationError(
            _l("An organisation must keep at least one owner. Make another member owner first.")
        )
    if membership.is_signatory and role not in SIGNATORY_ROLES:
        raise OrganisationError(
            _l("The designated signatory must be an owner or editor. Designate another first.")
        )
    before = membership.role
    membership.role = role
    db.session.flush()
    record(
        "organisation.member_role_changed",
        membership,
        changes={"user_id": membership.user_id, "role": [before, role]},
        organisation_id=org.id,
    )


def remove_member(membership: Membership) -> None:
    org = membership.organisation
    lock(org)
    if _is_last_owner(membership):
        raise OrganisationError(
            _l("An organisation must keep at least one owner. Make another member owner first.")
        )
    if membership.is_signatory:
        raise OrganisationError(
            _l("This member is the designated signatory. Designate another signatory first.")
        )
    record(
        "organisation.member_removed",
        membership,
        changes={"user_id": membership.user_id, "role": membership.role},
        organisation_id=org.id,
    )
    db.session.delete(membership)
    db.session.flush()


def set_signatory(membership: Membership) -> None:
    """Make ``membership`` the organisation's only designated signatory."""
    org = membership.organisation
    lock(org)
    if membership.role not in SIGNATORY_ROLES:
        raise OrganisationError(_l("The designated signatory must be an owner or editor."))
    if membership.is_signatory:
        return
    current = db.session.scalar(
        select(Membership).filter_by(organisation_id=org.id, is_signatory=True)
    )
    if current is not None:
        current.is_signatory = False
        db.session.flush()  # the partial unique index allows one signatory at a time
    membership.is_signatory = True
    db.session.flush()
    record(
        "organisation.signatory_set",
        membership,
        changes={"signatory_user_id": [getattr(current, "user_id", None), membership.user_id]},
        organisation_id=org.id,
    )
