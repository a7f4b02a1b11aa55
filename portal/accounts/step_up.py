"""Step-up: the most sensitive actions ask for the second factor again (issue 17).

Signing an agreement or an amendment, approving a payment, recording a disbursement, changing
a CLABE, creating an API token and changing roles are wrapped in :func:`require_recent_factor`.
When this session last proved a factor more than ``STEP_UP_MAX_AGE`` seconds ago, the request
changes nothing and the user is sent to confirm (``accounts.confirm_identity``: an authenticator
code, a recovery code or a passkey; the password for accounts without a second factor), then
back to the page they came from to submit again.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import session_auth
from portal.core.db import now_utc
from portal.core.security import safe_next


def recent_enough() -> bool:
    proven = session_auth.factor_verified_at()
    if proven is None:
        return False
    age = (now_utc() - proven).total_seconds()
    return age <= current_app.config["STEP_UP_MAX_AGE"]


def _back_to() -> str:
    """Where to return after confirming: this page for a GET, else the page that posted."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    if referrer.startswith(host + "/"):
        referrer = referrer[len(host) :]
    return safe_next(referrer, url_for("dashboard.dashboard"))


def confirm_first(back: str | None = None):
    """The redirect to ``accounts.confirm_identity`` when this session's proof is too old, else
    ``None``. For views that check permissions in their body: call it after those checks (a
    user who may not act still gets their 403/404), on the request that performs the action,
    and return the redirect unchanged; nothing has changed yet. ``back`` is the form's page
    (default: :func:`_back_to`)."""
    if not current_user.is_authenticated or recent_enough():
        return None
    flash(_("For your security, please confirm it is you, then try again."), "info")
    target = safe_next(back, "") or _back_to()
    return redirect(url_for("accounts.confirm_identity", next=target))


def require_recent_factor(view):
    """Refuse ``view`` (nothing changes) until the user confirms their identity again."""

    @wraps(view)
    def guarded(*args, **kwargs):
        refusal = confirm_first()
        return refusal if refusal is not None else view(*args, **kwargs)

    return guarded
