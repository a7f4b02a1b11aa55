"""A user's personal access tokens on the administrator's user page (issue 17).

Administration sits below the API (.importlinter) and cannot read tokens; this module, in the
API, registers the tokens as a credential kind of the user page (portal/admin/credentials.py:
listed there, revoked by "revoke all sessions and tokens") and adds the route that revokes one
token on the administrators' blueprint, whose ``before_request`` admits administrators only.
"""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.admin import credentials
from portal.admin.blueprint import back_to, bp, user_or_404
from portal.admin.operations import notify_access_revoked
from portal.api import operations
from portal.api.models import ApiToken
from portal.core.db import db, now_utc


def active_tokens(user) -> list[ApiToken]:
    """``user``'s tokens that still work (neither revoked nor expired), newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_dt.is_(None),
                ApiToken.expires_dt > now_utc(),
            )
            .order_by(ApiToken.created_dt.desc(), ApiToken.id.desc())
        )
    )


def revoke_all_tokens(user, actor) -> int:
    """Revoke every working token of ``user`` (each audited as ``api_token.revoked``)."""
    now = now_utc()
    return sum(operations.revoke_token(token, actor, now) for token in active_tokens(user))


def revoke_by_admin(user, token: ApiToken, actor) -> bool:
    """Revoke one of ``user``'s tokens and tell them; False when it was already revoked."""
    if not operations.revoke_token(token, actor):
        return False
    notify_access_revoked(user, actor=actor, tokens=1)
    return True


credentials.register(
    credentials.CredentialKind(
        key="tokens",
        template="api/admin_user_tokens.html",
        listing=active_tokens,
        revoke_all=revoke_all_tokens,
    )
)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_user_token(user_id: int, token_id: int):
    target = user_or_404(user_id)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != target.id:
        abort(404)
    if revoke_by_admin(target, token, current_user._get_current_object()):
        flash(
            _(
                "The token “%(token)s” is revoked; %(name)s was told by e-mail.",
                token=token.name,
                name=target.full_name,
            ),
            "success",
        )
    else:
        flash(_("That token was already revoked."), "info")
    return back_to(target)
