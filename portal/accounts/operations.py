"""Account operations: registration, e-mail verification, login, passwords, sessions, profile.

Each function validates, changes state, announces its audit entries (portal/accounts/events.py:
the audit domain writes them) and queues e-mails, and flushes; the request's unit of work
commits once. None of them reveals whether an e-mail address has an account: the callers give
the same answer either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts import session_auth, sessions, tokens
from portal.accounts.events import announce, changed
from portal.accounts.models import User
from portal.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from portal.accounts.roles import Role
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import LOCALES, valid_timezone
from portal.core.urls import external_url
from portal.mail.operations import email_user


class AccountError(InputError):
    """A refused change; ``message`` is translated and safe to show, on the form's ``field``
    ("" = the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__({field: [message]})
        self.message = message


# --- helpers ---------------------------------------------------------------------------


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def find_by_email(email: str | None) -> User | None:
    address = normalise_email(email)
    if not address:
        return None
    return db.session.scalar(select(User).where(User.email == address))


def verification_url(user: User) -> str:
    return external_url("accounts.verify_email", token=tokens.email_verification_token(user))


def password_reset_url(user: User) -> str:
    """The reset link; administrators' invitations use it to let staff set a first password."""
    return external_url("accounts.reset_password", token=tokens.password_reset_token(user))


def _days(seconds: int) -> int:
    return max(1, round(seconds / 86400))


# --- registration and verification -----------------------------------------------------


def register(*, full_name: str, email: str, password: str, locale: str) -> User | None:
    """Create an unverified applicant account and send it a verification link.

    When the address already has an account nothing is created; its owner is told that
    someone tried to register, and None is returned. The password is hashed in both cases
    so both take about as long.
    """
    address = normalise_email(email)
    _check_password(password, address)
    password_hash = hash_password(password)
    existing = find_by_email(address)
    if existing is not None:
        if existing.is_active:
            email_user(
                "registration_attempt",
                existing,
                login_url=external_url("accounts.login"),
                forgot_url=external_url("accounts.forgot_password"),
            )
        return None
    user = User(
        email=address,
        full_name=" ".join(full_name.split()),
        password_hash=password_hash,
        locale=locale if locale in LOCALES else "es",
        password_changed_dt=now_utc(),
    )
    user.set_roles([Role.APPLICANT])
    db.session.add(user)
    db.session.flush()
    announce("user.registered", user, user=user, changes={"email": address, "locale": user.locale})
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    email_user(
        "verify_email",
        user,
        verify_url=verification_url(user),
        days=_days(current_app.config["VERIFY_TOKEN_MAX_AGE"]),
    )


def resend_verification(email: str) -> None:
    """Send a new link if the address belongs to an active, unverified account."""
    user = find_by_email(email)
    if user is not None and user.is_active and not user.is_verified and user.password_hash:
        send_verification(user)


def verify_email(user: User) -> bool:
    """Mark the address verified; False when it already was."""
    if user.is_verified:
        return False
    user.email_verified_dt = now_utc()
    announce("user.email_verified", user, user=user)
    db.session.flush()
    return True


# --- login and sessions ----------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    ok: bool
    unverified: bool = False


def authenticate(email: str, password: str) -> LoginOutcome:
    """Check the credentials with the same work whatever the account's state.

    The password is always verified (against a dummy hash when there is no account or no
    password), so unknown, wrong, deactivated and password-less accounts look the same.
    Only an unverified account with the right password is told apart: it gets a new link.
    """
    user = find_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    reason = _failure_reason(user, valid)
    if reason is None:
        return LoginOutcome(user, ok=True)
    _record_failure(user, reason)
    if reason == "unverified":
        send_verification(user)
        return LoginOutcome(user, ok=False, unverified=True)
    return LoginOutcome(None, ok=False)


def _failure_reason(user: User | None, valid: bool) -> str | None:
    if user is None:
        return "unknown_account"
    if user.password_hash is None:
        return "no_password"
    if not valid:
        return "wrong_password"
    if not user.is_active:
        return "inactive"
    if not user.is_verified:
        return "unverified"
    return None


def _record_failure(user: User | None, reason: str) -> None:
    """Audit a failed login: the account (if any) as the object, never what was typed.

    The typed e-mail of an unknown account is not stored: people sometimes type their
    password into the e-mail box.
    """
    announce(
        "user.login_failed",
        object_type="user",
        object_id=user.id if user else None,
        changes={"reason": reason},
        user=None,
    )
    db.session.flush()


def complete_login(user: User, password: str) -> None:
    """After a successful check: upgrade the hash if the parameters changed, note the login."""
    rehash_if_needed(user, password)
    record_login(user)


def rehash_if_needed(user: User, password: str) -> None:
    """Upgrade the stored hash when the argon2 parameters changed (the password is at hand
    only at this step, also for users whose second factor comes next)."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        announce("user.password_rehashed", user, user=user)
        db.session.flush()


def record_login(user: User, *, factor: str | None = None, method: str = "password") -> None:
    """Note a completed sign-in: how (password or passkey) and with which second factor."""
    user.last_login_dt = now_utc()
    changes = {"method": method, "factor": factor} if factor or method != "password" else None
    announce("user.login", user, user=user, **({"changes": changes} if changes else {}))
    db.session.flush()


def record_logout(user: User) -> None:
    announce("user.logout", user, user=user)
    db.session.flush()


def revoke_other_sessions(user: User) -> int:
    """End every session of ``user`` but this browser's ("sign out everywhere else"); returns
    how many ended (audited as ``user_session.revoked``, reason "others")."""
    return session_auth.revoke_sessions(user, reason=sessions.OTHERS, keep_current=True)


# --- passwords -------------------------------------------------------------------------


def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise AccountError(" ".join(str(p) for p in problems), "password")


def _set_password(user: User, password: str) -> None:
    """New hash, the change time, and every session of the account ends (this browser's too:
    a password change starts it a new one, a reset by e-mail link sends it to the login)."""
    _check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.password_changed_dt = now_utc()
    session_auth.revoke_sessions(user, reason=sessions.PASSWORD)


def _notify_password_changed(user: User) -> None:
    email_user(
        "password_changed",
        user,
        changed_dt=user.password_changed_dt,
        forgot_url=external_url("accounts.forgot_password"),
    )


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address belongs to an active account; silent otherwise."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    cfg = current_app.config
    email_user(
        "reset_password",
        user,
        reset_url=password_reset_url(user),
        first_password=user.password_hash is None,
        minutes=max(1, cfg["RESET_TOKEN_MAX_AGE"] // 60),
        days=_days(cfg["INVITE_TOKEN_MAX_AGE"]),  # links to set a first password last longer
    )
    announce("user.password_reset_requested", user, user=None)
    db.session.flush()


def reset_password(user: User, password: str) -> None:
    """Set a password from an e-mailed link (also invited staff's first password).

    Following the link proves the address works, so it is marked verified too.
    """
    if not user.is_active:
        raise AccountError(_("This account is not active."))
    first = user.password_hash is None
    _set_password(user, password)
    newly_verified = not user.is_verified
    if newly_verified:
        user.email_verified_dt = now_utc()
    announce(
        "user.password_reset",
        user,
        user=user,
        changes={"first_password": first, "email_verified": newly_verified},
    )
    _notify_password_changed(user)
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password of a logged-in user, who must know the current one."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."), "current_password")
    _set_password(user, new_password)
    announce("user.password_changed", user, user=user)
    _notify_password_changed(user)
    db.session.flush()


# --- profile ---------------------------------------------------------------------------


def update_profile(
    user: User,
    *,
    full_name: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
) -> dict:
    """Change name, language and/or time zone (None = unchanged); returns the audited diff."""
    wanted = {}
    if full_name is not None:
        name = " ".join(full_name.split())
        if not name or len(name) > 200:
            raise AccountError(_("Enter your full name (at most 200 characters)."))
        wanted["full_name"] = name
    if locale is not None:
        if locale not in LOCALES:
            raise AccountError(_("Choose one of the offered languages."))
        wanted["locale"] = locale
    if timezone is not None:
        if not valid_timezone(timezone):
            raise AccountError(_("Choose a valid time zone."))
        wanted["timezone"] = timezone
    before = {key: getattr(user, key) for key in wanted}
    changes = changed(before, wanted)
    if changes:
        for key in changes:
            setattr(user, key, wanted[key])
        announce("user.profile_updated", user, changes=changes)
        db.session.flush()
    return changes


def update_preferences(user, locale=None, timezone=None):
    """Language and/or time zone (used by the language switcher)."""
    return update_profile(user, locale=locale, timezone=timezone)
