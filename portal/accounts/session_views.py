""" "Your sessions" (``/account/sessions``): the live sessions of the signed-in user, with a
button to end any one of them or every other one (issue 17).

Only the owner sees and ends a session: another user's session id is a 404. Ending the session
of this browser is a logout.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.accounts import operations as ops
from portal.accounts import session_auth, sessions
from portal.accounts.session_display import session_rows
from portal.accounts.session_models import UserSession
from portal.accounts.views import bp
from portal.core.db import db


def _me():
    return current_user._get_current_object()


@bp.get("/account/sessions", endpoint="sessions")
@login_required
def sessions_page():
    rows = session_rows(_me(), session_auth.current_session())
    return render_template("accounts/sessions.html", rows=rows)


@bp.post("/account/sessions/<int:session_id>/revoke")
@login_required
def revoke_session(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    current = session_auth.current_session()
    if current is not None and row.id == current.id:
        ops.record_logout(_me())
        session_auth.end_session()
        flash(_("You have ended this session and are logged out."), "info")
        return redirect(url_for("accounts.login"))
    if sessions.revoke(row, reason=sessions.BY_USER, actor=_me()):
        flash(_("The session has ended: that device is logged out."), "success")
    else:
        flash(_("That session had already ended."), "info")
    return redirect(url_for("accounts.sessions"))


@bp.post("/account/sessions/revoke-others")
@login_required
def revoke_other_sessions():
    count = ops.revoke_other_sessions(_me())
    session_auth.renew_session()  # a copy of this browser's cookie stops working too
    if count:
        flash(
            ngettext(
                "%(num)d other session has ended.", "%(num)d other sessions have ended.", count
            ),
            "success",
        )
    else:
        flash(_("There were no other sessions to end."), "info")
    return redirect(url_for("accounts.sessions"))
