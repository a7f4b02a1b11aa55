"""Wiring done when the applications blueprint is registered (no work at import time)."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.core.db import db


def init_app(app: Flask) -> None:
    from portal.applications.documents import register

    register()
    app.jinja_env.globals.update(
        call_apply_box=call_apply_box, format_percent=format_percent, share_percent=share_percent
    )


def format_percent(value) -> str:
    """A percentage or ratio in the reader's locale ("—" when there is none)."""
    from portal.core.i18n import format_number

    return format_number(value) if value is not None else "—"


def share_percent(share) -> str:
    """A ratio (``portal.applications.budget.ratio``) as a percentage: "25.50 %" ("—").

    A non-breaking space separates the sign (the glossary's rule), so it never wraps alone.
    """
    from portal.applications.budget import as_percent
    from portal.core.i18n import format_number

    return f"{format_number(as_percent(share))}\u00a0%" if share is not None else "—"


def call_apply_box(call) -> dict:
    """What the "Apply" box on a call's page shows for the current user (two queries at most).

    ``drafts``/``others``: the acting organisation's applications to this call;
    ``received``: for grants staff, how many submitted applications the call has.
    """
    from portal.applications.models import Application
    from portal.organisations.context import current_membership

    box = {"membership": None, "applications": [], "received": None}
    if not current_user.is_authenticated:
        return box
    membership = current_membership()
    box["membership"] = membership
    if membership is not None:
        box["applications"] = db.session.scalars(
            select(Application)
            .where(
                Application.call_id == call.id,
                Application.organisation_id == membership.organisation_id,
            )
            .order_by(Application.created_dt.desc())
        ).all()
    if current_user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        box["received"] = db.session.scalar(
            select(func.count(Application.id)).where(
                Application.call_id == call.id, Application.submitted_dt.is_not(None)
            )
        )
    return box
