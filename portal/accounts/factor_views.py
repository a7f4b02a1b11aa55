"""Second-factor pages (issue 17): the security page, setting up and removing the authenticator
app, recovery codes, the sign-in's second step and the identity confirmation (step-up).

Registered on the ``accounts`` blueprint (imported at the end of portal/accounts/views.py).
Recovery codes are shown once, in the answer to the POST that made them, never stored in the
(signed, not encrypted) session cookie, and the answer is not cached (``no-store``).
"""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import enrolment_guard, pending_login, session_auth, totp
from portal.accounts import factor_operations as factor_ops
from portal.accounts.factor_forms import PasswordConfirmForm, SecondFactorForm, TotpSetupForm
from portal.accounts.mfa_policy import has_second_factor
from portal.accounts.step_up import require_recent_factor
from portal.accounts.throttle import codes_per, per_ip
from portal.accounts.views import _me, bp
from portal.core.security import safe_next
from portal.core.views import run, run_action

SESSIONS_ENDPOINT = "accounts.sessions"  # "Your sessions" (another module of issue 17)


def _security_url() -> str:
    return url_for("accounts.security")


def _dashboard() -> str:
    return url_for("dashboard.dashboard")


def _pending_key() -> str:
    """Wrong codes count per account half-way through signing in (the pending state lives in
    the browser's cookie, which an attacker could replay: the limiter is the server's count)."""
    data = session.get(pending_login.KEY)
    uid = data.get("uid") if isinstance(data, dict) else None
    return f"pending:{uid}" if uid else f"no-pending:{request.remote_addr}"


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _show_codes(codes: list[str], continue_url: str):
    page = render_template("accounts/recovery_codes.html", codes=codes, continue_url=continue_url)
    return _no_store(make_response(page))


# --- the security page -----------------------------------------------------------------


@bp.get("/account/security")
@login_required
def security():
    sessions_url = None
    if SESSIONS_ENDPOINT in current_app.view_functions:
        sessions_url = url_for(SESSIONS_ENDPOINT)
    return render_template(
        "accounts/security.html",
        status=factor_ops.security_status(_me()),
        sessions_url=sessions_url,
    )


@bp.route("/account/security/authenticator", methods=["GET", "POST"])
@login_required
@codes_per()
def totp_setup():
    user = _me()
    if factor_ops.totp_factor(user) is not None:
        flash(_("An authenticator app is already set up for your account."), "info")
        return redirect(_security_url())
    form = TotpSetupForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        codes = run(form, factor_ops.confirm_totp, user, form.enrolment.data, form.code.data)
        if codes:
            session_auth.confirm_factor()
            enrolment_guard.mark_done()
            flash(_("Your authenticator app is set up."), "success")
            return _show_codes(codes, safe_next(form.next.data, _security_url()))
    # After a wrong code the same secret stays (no need to scan again) while it is valid.
    secret = totp.secret_from_enrolment_token(form.enrolment.data or "", user.id)
    secret = secret or totp.new_secret()
    form.enrolment.data = totp.enrolment_token(user.id, secret)
    uri = totp.provisioning_uri(secret, user.email)
    page = render_template(
        "accounts/totp_setup.html",
        form=form,
        qr=totp.qr_data_uri(uri),
        secret=totp.grouped(secret),
        uri=uri,
        forced=enrolment_guard.must_enrol(user),
    )
    return _no_store(make_response(page))


@bp.post("/account/security/authenticator/remove")
@login_required
@require_recent_factor
def totp_remove():
    run_action(factor_ops.remove_totp, _me(), message=_("Your authenticator app is removed."))
    return redirect(_security_url())


@bp.post("/account/security/recovery-codes")
@login_required
@require_recent_factor
def recovery_codes_regenerate():
    codes = run_action(factor_ops.generate_recovery_codes, _me())
    if not codes:
        return redirect(_security_url())
    flash(_("New recovery codes are ready: the old ones no longer work."), "success")
    return _show_codes(codes, _security_url())


# --- the sign-in's second step ---------------------------------------------------------


@bp.route("/login/verify", methods=["GET", "POST"])
@per_ip
@codes_per(_pending_key)
def login_verify():
    if current_user.is_authenticated:
        return redirect(_dashboard())
    user = pending_login.pending_user()
    if user is None:
        flash(_("Please log in again: the sign-in took too long."), "info")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = factor_ops.check_code(user, form.code.data)
        if method is not None:
            return pending_login.finish(user, method=method)
        factor_ops.record_failed_code(user, during="login")
        if not pending_login.failed_try():
            flash(_("Too many wrong codes. Please log in again."), "danger")
            return redirect(url_for("accounts.login"))
        form.code.errors.append(_wrong_code())
    # 200 even after a wrong code: the failure's audit entry is kept (as for the login page).
    return render_template("accounts/login_verify.html", form=form)


def _wrong_code() -> str:
    return _(
        "That code is not valid. Enter the current code from your authenticator app, or one "
        "of your unused recovery codes."
    )


# --- confirming identity (step-up) -----------------------------------------------------


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@per_ip
@codes_per()
def confirm_identity():
    user = _me()
    target = safe_next(request.args.get("next"), "")
    has_factor = has_second_factor(user)
    form = SecondFactorForm(next=target) if has_factor else PasswordConfirmForm(next=target)
    if form.validate_on_submit():
        if has_factor:
            method = factor_ops.confirm_identity(user, code=form.code.data)
        else:
            method = factor_ops.confirm_identity(user, password=form.password.data)
        if method is not None:
            session_auth.confirm_factor()
            flash(_("Thank you: your identity is confirmed."), "success")
            return redirect(safe_next(form.next.data, _dashboard()))
        if has_factor:
            form.code.errors.append(_wrong_code())
        else:
            form.password.errors.append(_("The password is not correct."))
    return render_template("accounts/confirm_identity.html", form=form, has_factor=has_factor)
