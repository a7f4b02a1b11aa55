"""Blueprint ``api_tokens``: a user's personal access tokens (``/account/tokens``).

Any logged-in user creates tokens for themselves; the secret is shown once, in the response to
the creation (never redirected through the session, never stored). Only the owner lists and
revokes a token: another user's token is a 404. An administrator who must stop someone's
tokens at once deactivates that account, which stops all of them (and its sessions).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.step_up import require_recent_factor
from portal.api import operations
from portal.api.forms import CreateTokenForm
from portal.api.models import ApiToken
from portal.core.db import db, now_utc
from portal.core.views import run

bp = Blueprint("api_tokens", __name__)


def _me():
    return current_user._get_current_object()


def load_own_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    return token


def _page(form: CreateTokenForm, secret: str | None = None, created: ApiToken | None = None):
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=operations.tokens_of(_me()),
        now=now_utc(),
        secret=secret,
        created=created,
    )


@bp.get("/account/tokens")
@login_required
def index():
    return _page(CreateTokenForm())


@bp.post("/account/tokens")
@login_required
@require_recent_factor  # issue 17: a token acts as the user, so ask for the factor again
def create():
    form = CreateTokenForm()
    created = form.validate_on_submit() and run(
        form, operations.create_token, _me(), name=form.name.data, days=form.expires_in.data
    )
    if created:
        token, secret = created
        page = _page(CreateTokenForm(formdata=None), secret=secret, created=token)
        # The only copy of the secret: never kept by a cache or the browser's history.
        return page, 201, {"Cache-Control": "no-store"}
    return _page(form), 200


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = load_own_token(token_id)
    if operations.revoke_token(token, _me()):
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    else:
        flash(_("That token was already revoked."), "info")
    return redirect(url_for(".index"))


# The administrators' view of a user's tokens registers itself on the admin blueprint.
from portal.api import admin_views  # noqa: E402, F401
