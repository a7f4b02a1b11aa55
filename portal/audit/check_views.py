"""An administrator checks the audit trail's hash chain on demand (in the background when a
queue is configured); the result is kept and shown on the audit log and the home page."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.accounts.roles import Role
from portal.audit.views import bp
from portal.core.unit_of_work import on_commit
from portal.jobs import enqueue


def can_check(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMIN))


class CheckForm(FlaskForm):
    """Only the CSRF token."""


@bp.post("/verify")
def verify():
    if not can_check(current_user):
        abort(403)
    if not CheckForm().validate_on_submit():
        abort(400)
    user_id = current_user.id
    on_commit(lambda: enqueue("portal.audit.checks:verify_job", user_id))
    flash(_("The audit trail is being checked; the result appears below."), "info")
    return redirect(url_for("audit.index") + "#chain"), 303
