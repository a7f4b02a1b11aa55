"""A user's sessions on the administrator's user page: end one, or end every session and
revoke every API token together (issue 17). The user is told by e-mail; everything is audited.
The API's tokens are revoked one by one from portal/api/admin_views.py (admin sits below the
API and does not import it)."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts.session_models import UserSession
from portal.admin import operations as ops
from portal.admin.blueprint import back_to, bp, user_or_404
from portal.core.db import db


def _me():
    return current_user._get_current_object()


@bp.post("/users/<int:user_id>/sessions/<int:session_id>/revoke")
def revoke_user_session(user_id: int, session_id: int):
    target = user_or_404(user_id)
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != target.id:
        abort(404)
    if ops.revoke_user_session(target, row, actor=_me()):
        flash(_("The session has ended; %(name)s was told by e-mail.", name=target.full_name))
    else:
        flash(_("That session had already ended."), "info")
    return back_to(target)


@bp.post("/users/<int:user_id>/revoke-access")
def revoke_user_access(user_id: int):
    target = user_or_404(user_id)
    counts = ops.revoke_all_access(target, actor=_me())
    if any(counts.values()):
        sessions = ngettext("%(num)d session", "%(num)d sessions", counts["sessions"])
        tokens = ngettext("%(num)d API token", "%(num)d API tokens", counts.get("tokens", 0))
        flash(
            _(
                "Ended for %(name)s: %(sessions)s and %(tokens)s. They were told by e-mail.",
                name=target.full_name,
                sessions=sessions,
                tokens=tokens,
            ),
            "success",
        )
    else:
        flash(_("This person had no session or API token to end."), "info")
    return back_to(target)
