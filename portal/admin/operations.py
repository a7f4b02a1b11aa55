"""Account administration: invitations, roles, deactivation. Validates, audits, never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts import session_auth, sessions
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.tokens import password_reset_token
from portal.audit.operations import diff, record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.urls import external_url
from portal.mail.operations import email_user

# Applicants register themselves; administrators invite everyone else.
INVITABLE_ROLES = (Role.REVIEWER, Role.GRANTS_MANAGER, Role.FINANCE_OFFICER, Role.ADMIN)


class AdminError(InputError):
    """A refused change; the message (translatable) is shown to the administrator."""

    def __init__(self, message) -> None:
        super().__init__({"": [message]})
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def can_administer(user) -> bool:
    """Users, roles and the outbox are for administrators only."""
    return bool(user.is_authenticated and user.is_active and user.is_admin)


@dataclass
class InviteResult:
    user: User
    created: bool
    added_roles: list[Role] = field(default_factory=list)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def invite_user(*, full_name: str, email: str, roles, locale: str, invited_by) -> InviteResult:
    """Create an account without a password and e-mail a "set your password" link.

    An e-mail that already has an account gets the missing roles instead (no new account).
    """
    wanted = sorted({Role(r) for r in roles})
    existing = find_user(email)
    if existing is not None:
        added = [r for r in wanted if r not in existing.roles]
        if added:
            _apply_roles(existing, existing.roles | set(added))
            link = external_url("accounts.login")
            email_user("roles_granted", existing, roles=added, granted_by=invited_by, link=link)
        return InviteResult(existing, created=False, added_roles=added)
    user = User(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        password_hash=None,
        email_verified_dt=None,
        locale=locale,
    )
    user.set_roles(wanted)
    db.session.add(user)
    db.session.flush()
    after = {"email": user.email, "full_name": user.full_name, "locale": locale}
    after["roles"] = [r.value for r in wanted]
    record("user.invited", user, changes=diff({}, after))
    send_invitation(user, invited_by)
    return InviteResult(user, created=True, added_roles=wanted)


def send_invitation(user: User, invited_by) -> None:
    """Queue the "set your password" e-mail (a password-reset token for the new account)."""
    link = external_url("accounts.reset_password", token=password_reset_token(user))
    expires = now_utc() + timedelta(seconds=current_app.config["RESET_TOKEN_MAX_AGE"])
    email_user("staff_invitation", user, link=link, invited_by=invited_by, expires_dt=expires)


def resend_invitation(user: User, invited_by) -> None:
    if user.password_hash is not None:
        raise AdminError(_("This person has already set a password."))
    if not user.is_active:
        raise AdminError(_("Reactivate the account before sending a new invitation."))
    record("user.invitation_resent", user)
    send_invitation(user, invited_by)


def change_roles(user: User, roles, *, actor) -> bool:
    """Give ``user`` exactly ``roles``. Returns False when nothing changed."""
    wanted = {Role(r) for r in roles}
    if user.id == actor.id and user.is_admin and Role.ADMIN not in wanted:
        raise AdminError(_("You cannot remove your own administrator role."))
    if wanted == set(user.roles):
        return False
    _apply_roles(user, wanted)
    return True


def _apply_roles(user: User, wanted) -> None:
    before = sorted(r.value for r in user.roles)
    user.set_roles(wanted)
    after = sorted(Role(r).value for r in wanted)
    record("user.roles_changed", user, changes=diff({"roles": before}, {"roles": after}))
    db.session.flush()


def deactivate_user(user: User, *, actor) -> bool:
    """Block the account and end its sessions (its cookies are refused at once)."""
    if user.id == actor.id:
        raise AdminError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return False
    user.is_active = False
    record("user.deactivated", user, changes=diff({"is_active": True}, {"is_active": False}))
    session_auth.revoke_sessions(user, reason=sessions.DEACTIVATED)
    db.session.flush()
    return True


# --- sessions and other credentials (issue 17) ---------------------------------------------


def notify_access_revoked(user: User, *, actor, sessions: int = 0, tokens: int = 0) -> None:
    """Tell ``user`` that an administrator ended some of their sessions or API tokens."""
    email_user(
        "sessions_revoked_by_admin",
        user,
        sessions=sessions,
        tokens=tokens,
        revoked_by=actor,
        sessions_url=external_url("accounts.sessions"),
        forgot_url=external_url("accounts.forgot_password"),
    )


def revoke_user_session(user: User, row, *, actor) -> bool:
    """End one of ``user``'s sessions (audited, e-mailed); False when it had already ended."""
    if row.user_id != user.id:
        raise ValueError("the session belongs to another user")
    if not sessions.revoke(row, reason=sessions.ADMIN, actor=actor):
        return False
    notify_access_revoked(user, actor=actor, sessions=1)
    return True


def revoke_all_access(user: User, *, actor) -> dict[str, int]:
    """End every session of ``user`` and revoke every credential another domain registered
    (API tokens); one e-mail says what ended. Returns the counts by kind."""
    from portal.admin import credentials

    counts = {"sessions": sessions.revoke_all(user, reason=sessions.ADMIN, actor=actor)}
    for key, kind in credentials.KINDS.items():
        counts[key] = kind.revoke_all(user, actor)
    if any(counts.values()):
        notify_access_revoked(
            user, actor=actor, sessions=counts["sessions"], tokens=counts.get("tokens", 0)
        )
    return counts


def reactivate_user(user: User) -> bool:
    if user.is_active:
        return False
    user.is_active = True
    record("user.reactivated", user, changes=diff({"is_active": False}, {"is_active": True}))
    db.session.flush()
    return True
