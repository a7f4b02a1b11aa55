"""The organisation the current user is acting for (chosen with the switcher)."""

from __future__ import annotations

from flask import g, has_request_context, session
from flask_login import current_user
from sqlalchemy import select

from portal.core.db import db

SESSION_KEY = "org_id"


def current_membership():
    """The user's membership in the active organisation, or their first one, or None."""
    from portal.organisations.models import Membership

    if not has_request_context() or not current_user.is_authenticated:
        return None
    if "_membership" in g:
        return g._membership
    memberships = db.session.scalars(
        select(Membership).filter_by(user_id=current_user.id).order_by(Membership.id)
    ).all()
    chosen = next((m for m in memberships if m.organisation_id == session.get(SESSION_KEY)), None)
    g._membership = chosen or (memberships[0] if memberships else None)
    return g._membership


def current_organisation_id() -> int | None:
    m = current_membership()
    return m.organisation_id if m else None


def switch_to(organisation_id: int) -> bool:
    """Make ``organisation_id`` active if the user belongs to it."""
    from portal.organisations.models import Membership

    found = db.session.scalar(
        select(Membership).filter_by(user_id=current_user.id, organisation_id=organisation_id)
    )
    if found is None:
        return False
    session[SESSION_KEY] = organisation_id
    g.pop("_membership", None)
    return True
