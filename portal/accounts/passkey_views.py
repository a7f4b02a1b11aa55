"""Passkeys and security keys (issue 17): the page that lists them, and the JSON endpoints that
static/js/passkeys.js calls for each WebAuthn ceremony.

Each ceremony is two POSTs (CSRF token in the ``X-CSRFToken`` header): ``…/options`` returns
the options for ``navigator.credentials.create()`` / ``get()``, then the browser's answer is
posted back. Answers are ``{"redirect": url}`` or ``{"error": message}`` with HTTP 400.
Ceremonies: registration (signed in), the second step of a sign-in (a pending sign-in on this
browser), identity confirmation (signed in; step-up) and sign-in without a password
(discoverable credentials). The sign-in endpoints are rate-limited per address.
"""

from __future__ import annotations

import json

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import enrolment_guard, passkeys, pending_login, session_auth, step_up
from portal.accounts import operations as ops
from portal.accounts.mfa_policy import has_second_factor
from portal.accounts.passkeys import PasskeyError
from portal.accounts.throttle import per_ip
from portal.accounts.views import _dashboard, _me, bp
from portal.core import unit_of_work
from portal.core.security import safe_next
from portal.core.views import run_action

#: Endpoints a user being forced to enrol a second factor must still reach (for
#: enrolment_guard.allow_during_enrolment).
ENROLMENT_ENDPOINTS = (
    "accounts.passkeys",
    "accounts.passkey_register_options",
    "accounts.passkey_register",
    "accounts.passkey_confirm_options",
    "accounts.passkey_confirm",
)
for _endpoint in ENROLMENT_ENDPOINTS:
    enrolment_guard.allow_during_enrolment(_endpoint)


def _body() -> dict:
    """The posted JSON; a form post may carry the credential as a JSON string instead."""
    data = request.get_json(silent=True)
    if isinstance(data, dict):
        return data
    body = request.form.to_dict()
    try:
        body["credential"] = json.loads(body.get("credential") or "null")
    except ValueError:
        body["credential"] = None
    return body


def _refused(error: PasskeyError):
    unit_of_work.discard()
    return jsonify(error=error.message), 400


def _go(url: str):
    return jsonify(redirect=url)


def _next(default: str) -> str:
    return safe_next(_body().get("next"), default)


@bp.app_template_global("user_passkeys")
def user_passkeys():
    """The signed-in user's passkeys (for templates/accounts/_passkeys.html)."""
    return passkeys.passkeys_of(_me()) if current_user.is_authenticated else []


# --- the page ------------------------------------------------------------------------------


@bp.get("/account/passkeys", endpoint="passkeys")
@login_required
def passkeys_page():
    return render_template("accounts/passkeys.html", passkeys_standalone=True)


@bp.post("/account/passkeys/<int:credential_id>/rename")
@login_required
def passkey_rename(credential_id: int):
    user = _me()
    cred = passkeys.owned_passkey(user, credential_id)
    if cred is None:
        return "", 404
    if run_action(passkeys.rename, user, cred, request.form.get("name")):
        flash(_("The passkey is renamed."), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".passkeys")))


@bp.post("/account/passkeys/<int:credential_id>/remove")
@login_required
@step_up.require_recent_factor
def passkey_remove(credential_id: int):
    user = _me()
    cred = passkeys.owned_passkey(user, credential_id)
    if cred is None:
        return "", 404
    if run_action(passkeys.remove, user, cred):
        flash(_("The passkey is removed."), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".passkeys")))


# --- registration (signed in) ----------------------------------------------------------------


def _needs_step_up(user):
    """Adding a factor to an account that has one asks for a recent proof (a stolen session
    must not add its own key); during enrolment (no factor yet) the password sign-in suffices."""
    if step_up.recent_enough() or not has_second_factor(user):
        return None
    message = _("For your security, please confirm it is you, then try again.")
    if "accounts.confirm_identity" in current_app.view_functions:
        flash(message, "info")
        back = _next(url_for(".passkeys"))
        return _go(url_for("accounts.confirm_identity", next=back))
    return jsonify(error=message), 400


@bp.post("/account/passkeys/register/options")
@login_required
def passkey_register_options():
    user = _me()
    if (refusal := _needs_step_up(user)) is not None:
        return refusal
    try:
        return jsonify(passkeys.registration_options(user, _body().get("name")))
    except PasskeyError as error:
        return _refused(error)


@bp.post("/account/passkeys/register")
@login_required
def passkey_register():
    body = _body()
    try:
        passkeys.register(_me(), body.get("credential"), body.get("name"))
    except PasskeyError as error:
        return _refused(error)
    session_auth.confirm_factor()  # the user has just proven the new key
    enrolment_guard.mark_done()
    flash(_("Your passkey is added."), "success")
    return _go(_next(url_for(".passkeys")))


# --- second step of a sign-in ----------------------------------------------------------------


def _signed_in_already():
    """Like the log-in page: a signed-in user is sent on to the dashboard."""
    return _go(_dashboard()) if current_user.is_authenticated else None


def _no_pending():
    return jsonify(error=_("Your sign-in has expired. Please log in again.")), 403


@bp.post("/login/verify/passkey/options")
@per_ip
def passkey_second_step_options():
    if (already := _signed_in_already()) is not None:
        return already
    user = pending_login.pending_user()
    if user is None:
        return _no_pending()
    try:
        return jsonify(passkeys.authentication_options("second_step", user))
    except PasskeyError as error:
        return _refused(error)


@bp.post("/login/verify/passkey")
@per_ip
def passkey_second_step():
    if (already := _signed_in_already()) is not None:
        return already
    user = pending_login.pending_user()
    if user is None:
        return _no_pending()
    try:
        passkeys.authenticate("second_step", _body().get("credential"), user)
    except PasskeyError as error:
        if not pending_login.failed_try():
            unit_of_work.discard()
            return jsonify(error=_("Too many attempts. Please log in again.")), 400
        return _refused(error)
    return _go(pending_login.finish(user, method="passkey").location)


# --- identity confirmation (step-up) ---------------------------------------------------------


@bp.post("/account/confirm/passkey/options")
@login_required
def passkey_confirm_options():
    try:
        return jsonify(passkeys.authentication_options("confirm", _me()))
    except PasskeyError as error:
        return _refused(error)


@bp.post("/account/confirm/passkey")
@login_required
def passkey_confirm():
    try:
        passkeys.authenticate("confirm", _body().get("credential"), _me())
    except PasskeyError as error:
        return _refused(error)
    session_auth.confirm_factor()
    return _go(_next(_dashboard()))


# --- sign-in without a password --------------------------------------------------------------


@bp.post("/login/passkey/options")
@per_ip
def passkey_login_options():
    if (already := _signed_in_already()) is not None:
        return already
    return jsonify(passkeys.authentication_options("sign_in"))


@bp.post("/login/passkey")
@per_ip
def passkey_login():
    if (already := _signed_in_already()) is not None:
        return already
    body = _body()
    try:
        user = passkeys.sign_in_user(body.get("credential"))
    except PasskeyError as error:
        return _refused(error)
    pending_login.clear()
    session_auth.start_session(user, method="passkey", factor_verified=True)
    ops.record_login(user, method="passkey", factor="passkey")
    return _go(safe_next(body.get("next"), _dashboard()))
