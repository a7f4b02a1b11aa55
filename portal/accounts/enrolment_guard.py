"""Forced enrolment (issue 17): a signed-in user whose role requires a second factor
(MFA_REQUIRED_ROLES) and who has none can do nothing but set one up.

Every request of such a user, except the pages needed to enrol (:data:`ALLOWED_ENDPOINTS`, to
which the passkey pages add theirs with :func:`allow_during_enrolment`), goes to the
authenticator set-up page: a page (GET) is redirected there with a message, anything else
(a form, a JSON call) is refused with 403. A user who has a factor but whose session has not
proven one (a role granted mid-session) is sent to confirm their identity instead.

Once the session is known to be fine, the answer is kept in the session (no query per
request); signing in again starts afresh, and an administrator's reset ends the sessions.
"""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import session_auth
from portal.accounts.mfa_policy import has_second_factor, second_factor_required

DONE_KEY = "_mfa_ok"
SETUP_ENDPOINT = "accounts.totp_setup"
CONFIRM_ENDPOINT = "accounts.confirm_identity"

#: Endpoints open to a user who still has to enrol: the enrolment pages themselves, the security
#: page, signing in and out, identity confirmation, static files and the language switch.
ALLOWED_ENDPOINTS: set[str] = {
    SETUP_ENDPOINT,
    CONFIRM_ENDPOINT,
    "accounts.security",
    "accounts.login",
    "accounts.login_verify",
    "accounts.logout",
    "dashboard.set_language",
    "static",
}
#: Blueprints that do not rely on the browser session: the JSON API authenticates every call
#: with a personal access token.
ALLOWED_BLUEPRINTS: set[str] = {"api"}


def allow_during_enrolment(endpoint: str) -> None:
    """Let users who must still enrol reach ``endpoint`` (e.g. passkey registration)."""
    ALLOWED_ENDPOINTS.add(endpoint)


def init_app(app: Flask) -> None:
    app.before_request(check)


def must_enrol(user) -> bool:
    return bool(
        user.is_authenticated and second_factor_required(user) and not has_second_factor(user)
    )


def mark_done() -> None:
    """This session has a proven second factor: no more checks until the next sign-in."""
    if current_user.is_authenticated:
        session[DONE_KEY] = current_user.id


def check():
    # The allowed routes first: they must not load the user (the health probes use no session).
    endpoint = request.endpoint
    if endpoint is None or endpoint in ALLOWED_ENDPOINTS:
        return None
    if (request.blueprint or "") in ALLOWED_BLUEPRINTS:
        return None
    if not current_user.is_authenticated or session.get(DONE_KEY) == current_user.id:
        return None
    user = current_user._get_current_object()
    if not second_factor_required(user):
        return None  # roles can change mid-session: checked again on the next request
    if not has_second_factor(user):
        return _send_to(
            SETUP_ENDPOINT,
            _(
                "Your role requires a second factor. Please set up an authenticator app (or a "
                "passkey) to continue."
            ),
        )
    if session_auth.factor_verified_at() is None:
        return _send_to(CONFIRM_ENDPOINT, _("Please confirm it is you with your second factor."))
    session[DONE_KEY] = user.id
    return None


def _send_to(endpoint: str, message: str):
    wants_page = (
        request.method in ("GET", "HEAD")
        and not request.is_json
        and (request.accept_mimetypes.accept_html or not request.accept_mimetypes)
    )
    if not wants_page:
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(error="second_factor_required", message=message), 403
        return render_template("errors/403.html", message=message), 403
    flash(message, "warning")
    return redirect(url_for(endpoint, next=request.full_path.rstrip("?")))
