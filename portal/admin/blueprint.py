"""The ``admin`` blueprint and what its route modules share. Every request is checked
(``before_request``): anonymous users go to the login page and anyone who is not an
administrator gets a 403. Route modules of other packages (e.g. portal/api/admin_views.py)
register on it from here, never from portal/admin/views.py."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.admin import operations as ops
from portal.core.db import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _require_admin():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not ops.can_administer(current_user):
        abort(403)
    return None


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def back_to(target: User):
    return redirect(url_for("admin.user", user_id=target.id))
