"""Who must have a second factor, and who has one (issue 17).

``MFA_REQUIRED_ROLES`` (comma-separated role values) names the roles that hold the keys to
money and decisions; a user with any of them and no second factor is taken to enrol at sign-in
and can do nothing else until done (portal/accounts/enrolment_guard.py).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import exists, or_, select

from portal.accounts.factor_models import TotpFactor, WebAuthnCredential
from portal.core.db import db


def required_roles() -> frozenset[str]:
    raw = current_app.config.get("MFA_REQUIRED_ROLES", "") or ""
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def second_factor_required(user) -> bool:
    """True when one of the user's roles is in MFA_REQUIRED_ROLES (no query: roles are loaded)."""
    wanted = required_roles()
    return bool(wanted) and any(role.value in wanted for role in user.roles)


def has_second_factor(user) -> bool:
    """A confirmed authenticator app or at least one passkey / security key."""
    totp = exists().where(TotpFactor.user_id == user.id, TotpFactor.confirmed_dt.is_not(None))
    passkey = exists().where(WebAuthnCredential.user_id == user.id)
    return bool(db.session.scalar(select(or_(totp, passkey))))
