"""Log in and out, registration, e-mail verification, passwords and the profile page.

Thin views: validate the form, run an operation, flash, redirect; the request's unit of work
commits once at its end (portal/core/unit_of_work.py). Answers about e-mail addresses never
reveal whether an account exists.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.accounts import operations as ops
from portal.accounts import pending_login, session_auth, throttle, tokens
from portal.accounts.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.accounts.mfa_policy import has_second_factor
from portal.core import unit_of_work
from portal.core.security import safe_next
from portal.core.unit_of_work import records_read
from portal.core.views import run

bp = Blueprint("accounts", __name__)

INBOX_REASONS = ("register", "verify", "reset")


def _dashboard() -> str:
    return url_for("dashboard.dashboard")


def _me():
    return current_user._get_current_object()


# --- log in and out --------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@throttle.login_throttle
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), _dashboard()))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        outcome = ops.authenticate(form.email.data, form.password.data)
        if outcome.ok:
            user = outcome.user
            throttle.login_succeeded(form.email.data)
            ops.rehash_if_needed(user, form.password.data)
            if has_second_factor(user):  # not signed in yet: the second step comes next
                pending_login.begin(user, safe_next(form.next.data, ""))
                return redirect(url_for(".login_verify"))
            session_auth.start_session(user)
            ops.record_login(user)
            return redirect(safe_next(form.next.data, _dashboard()))
        # The page answers 200: the failed attempt's audit entry (and any new link) is kept.
        throttle.login_failed(form.email.data)
        if outcome.unverified:
            form.form_errors.append(
                _(
                    "Please confirm your e-mail address first. We have sent you a new "
                    "confirmation link."
                )
            )
        else:
            form.form_errors.append(_("Invalid e-mail or password."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        ops.record_logout(_me())
    session_auth.end_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("dashboard.home"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """The profile page's older button: the same as "Sign out all other sessions"."""
    ops.revoke_other_sessions(_me())
    session_auth.renew_session()  # a copy of this browser's cookie stops working too
    flash(_("You have been logged out on every other device."), "success")
    return redirect(url_for(".profile"))


# --- registration and verification -----------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@throttle.per_ip_and_address
def register():
    if current_user.is_authenticated:
        return redirect(_dashboard())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            ops.register(
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
                locale=form.locale.data,
            )
        except IntegrityError:  # the same address registered at the same moment
            unit_of_work.discard()
        session["lang"] = form.locale.data
        return redirect(url_for(".check_inbox", reason="register"))
    return render_template("accounts/register.html", form=form)


@bp.get("/check-inbox")
def check_inbox():
    reason = request.args.get("reason")
    return render_template(
        "accounts/check_inbox.html", reason=reason if reason in INBOX_REASONS else "verify"
    )


@bp.get("/verify-email/<token>")
@records_read
def verify_email(token: str):
    try:
        user = tokens.load_verification_token(token)
    except tokens.TokenError as exc:
        return _bad_link("verify", exc.expired)
    if not user.is_active:
        return _bad_link("verify", expired=False)
    if ops.verify_email(user):  # a recorded read: committed at the end of the request
        flash(_("Thank you: your e-mail address is confirmed."), "success")
    else:
        flash(_("Your e-mail address was already confirmed."), "info")
    if current_user.is_authenticated:
        return redirect(_dashboard())
    return redirect(url_for(".login"))


@bp.route("/resend-verification", methods=["GET", "POST"])
@throttle.per_ip_and_address
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        ops.resend_verification(form.email.data)
        return redirect(url_for(".check_inbox", reason="verify"))
    return render_template("accounts/resend_verification.html", form=form)


def _bad_link(kind: str, expired: bool):
    page = render_template("accounts/bad_link.html", kind=kind, expired=expired)
    return page, 400


# --- passwords -------------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttle.per_ip_and_address
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        ops.request_password_reset(form.email.data)
        return redirect(url_for(".check_inbox", reason="reset"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = tokens.load_reset_token(token)
    except tokens.TokenError as exc:
        return _bad_link("reset", exc.expired)
    if not user.is_active:
        return _bad_link("reset", expired=False)
    first = user.password_hash is None
    form = ResetPasswordForm(policy_email=user.email)
    if form.validate_on_submit() and run(form, ops.reset_password, user, form.password.data):
        if current_user.is_authenticated and current_user.id == user.id:
            session_auth.end_session()  # its cookie died with the old session token
        flash(_("Your new password is saved. Please log in with it."), "success")
        return redirect(url_for(".login"))
    return render_template("accounts/reset_password.html", form=form, user=user, first=first)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@throttle.per_user
def change_password():
    user = _me()
    form = ChangePasswordForm(policy_email=user.email)
    if form.validate_on_submit() and run(
        form, ops.change_password, user, form.current_password.data, form.password.data
    ):
        session_auth.start_session(user)  # a fresh session: flash only after it
        flash(_("Your password is changed. Other devices have been logged out."), "success")
        return redirect(url_for(".profile"))
    return render_template("accounts/change_password.html", form=form)


# --- profile ---------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = _me()
    form = ProfileForm(obj=user, current_timezone=user.timezone)
    if form.validate_on_submit():
        changes = run(
            form,
            ops.update_profile,
            user,
            full_name=form.full_name.data,
            locale=form.locale.data,
            timezone=form.timezone.data,
        )
        if changes is not None:  # {} when nothing changed: saved all the same
            session["lang"] = user.locale
            refresh()  # the confirmation is shown in the newly chosen language
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    return render_template("accounts/profile.html", form=form, user=user)


# More routes register themselves on ``bp``.
from portal.accounts import factor_views, passkey_views, session_views  # noqa: E402, F401
