"""Second-factor operations: the authenticator app, recovery codes, checking a code, the
administrator's reset (issue 17).

Each function validates, changes state, announces its audit entry and queues its e-mail, and
flushes; the request's unit of work commits. Refusals are ``AccountError`` (a translated
message, shown on the form or flashed). Passkeys live in portal/accounts/passkey_*; the e-mails
here (``second_factor_added`` / ``second_factor_removed``) are generic over the kind of factor
(``factor_label``) so that passkeys reuse them through :func:`notify_factor_added` and
:func:`notify_factor_removed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from portal.accounts import recovery_codes, session_auth, totp
from portal.accounts.events import announce
from portal.accounts.factor_models import RecoveryCode, TotpFactor, WebAuthnCredential
from portal.accounts.mfa_policy import has_second_factor, second_factor_required
from portal.accounts.models import User
from portal.accounts.operations import AccountError
from portal.accounts.passwords import verify_password
from portal.core.db import db, now_utc
from portal.core.urls import external_url
from portal.mail.operations import email_user

AUTHENTICATOR_APP = _l("Authenticator app")

# --- reading ---------------------------------------------------------------------------


def totp_factor(user: User) -> TotpFactor | None:
    """The user's confirmed authenticator app, or None."""
    return db.session.scalar(
        select(TotpFactor).where(
            TotpFactor.user_id == user.id, TotpFactor.confirmed_dt.is_not(None)
        )
    )


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_dt.is_(None))
    )


def passkey_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(WebAuthnCredential)
        .where(WebAuthnCredential.user_id == user.id)
    )


@dataclass(frozen=True)
class SecurityStatus:
    """What the security page shows."""

    totp: TotpFactor | None
    codes_left: int
    passkeys: int
    required: bool

    @property
    def has_factor(self) -> bool:
        return self.totp is not None or self.passkeys > 0

    @property
    def codes_low(self) -> bool:
        return self.has_factor and self.codes_left <= recovery_codes.LOW_WARNING


def security_status(user: User) -> SecurityStatus:
    return SecurityStatus(
        totp=totp_factor(user),
        codes_left=remaining_recovery_codes(user),
        passkeys=passkey_count(user),
        required=second_factor_required(user),
    )


# --- the authenticator app -------------------------------------------------------------


def confirm_totp(user: User, enrolment_token: str, code: str) -> list[str]:
    """Save the authenticator app whose secret is in ``enrolment_token`` once ``code`` proves
    the app has it; returns the ten new recovery codes (to be shown once)."""
    if totp_factor(user) is not None:
        raise AccountError(_("An authenticator app is already set up for your account."))
    secret = totp.secret_from_enrolment_token(enrolment_token or "", user.id)
    if secret is None:
        raise AccountError(
            _("This set-up page has expired. Scan the new QR code below and enter a new code.")
        )
    step = totp.matching_step(secret, totp.normalise(code), last_step=None)
    if step is None:
        raise AccountError(
            _(
                "That code is not right. Enter the 6-digit code your app shows now; check that "
                "the time on your phone is set automatically."
            ),
            "code",
        )
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == user.id))  # unconfirmed
    now = now_utc()
    factor = TotpFactor(
        user_id=user.id,
        secret_encrypted=totp.encrypt(secret),
        created_dt=now,
        confirmed_dt=now,
        last_step=step,
        last_used_dt=now,
    )
    db.session.add(factor)
    db.session.flush()
    announce("totp_factor.enrolled", factor, user=user)
    codes = _replace_recovery_codes(user)
    notify_factor_added(user, AUTHENTICATOR_APP)
    db.session.flush()
    return codes


def remove_totp(user: User) -> None:
    """Remove the authenticator app. A user whose role requires a second factor keeps their
    last one; with no factor left, the recovery codes go too."""
    factor = totp_factor(user)
    if factor is None:
        raise AccountError(_("No authenticator app is set up for your account."))
    passkeys = passkey_count(user)
    if second_factor_required(user) and passkeys == 0:
        raise AccountError(
            _(
                "Your role requires a second factor: add a passkey before removing your "
                "authenticator app, or ask an administrator."
            )
        )
    announce("totp_factor.removed", factor, user=user)
    db.session.delete(factor)
    if passkeys == 0:
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    notify_factor_removed(user, AUTHENTICATOR_APP)
    db.session.flush()


# --- recovery codes --------------------------------------------------------------------


def generate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones (shown once by the caller)."""
    if not has_second_factor(user):
        raise AccountError(_("Set up an authenticator app or a passkey first."))
    codes = _replace_recovery_codes(user)
    db.session.flush()
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = recovery_codes.generate()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_codes.digest(code)) for code in codes
    )
    db.session.flush()
    announce("recovery_codes.generated", user, user=user, changes={"count": len(codes)})
    return codes


# --- checking a code -------------------------------------------------------------------


def check_code(user: User, code: str | None) -> str | None:
    """Accept a current authenticator code or an unused recovery code (told apart by shape).

    Returns the method ("totp" or "recovery_code") and uses the code up, or None.
    """
    value = totp.normalise(code)
    if totp.looks_like_code(value):
        return "totp" if _use_totp(user, value) else None
    if recovery_codes.looks_like_code(value):
        return "recovery_code" if _use_recovery_code(user, value) else None
    return None


def _use_totp(user: User, code: str) -> bool:
    factor = totp_factor(user)
    if factor is None:
        return False
    step = totp.matching_step(
        totp.decrypt(factor.secret_encrypted), code, last_step=factor.last_step
    )
    if step is None:
        return False
    # Conditional update: of two requests racing with the same code only one moves the step.
    moved = db.session.execute(
        update(TotpFactor)
        .where(
            TotpFactor.id == factor.id,
            or_(TotpFactor.last_step.is_(None), TotpFactor.last_step < step),
        )
        .values(last_step=step, last_used_dt=now_utc())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(factor)
    return moved.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_codes.digest(code),
            RecoveryCode.used_dt.is_(None),
        )
        .values(used_dt=now_utc())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    left = remaining_recovery_codes(user)
    announce("recovery_code.used", user, user=user, changes={"remaining": left})
    email_user(
        "recovery_code_used",
        user,
        remaining=left,
        used_dt=now_utc(),
        security_url=external_url("accounts.security"),
    )
    db.session.flush()
    return True


def record_failed_code(user: User, *, during: str) -> None:
    """Audit a wrong second-factor code (never what was typed). ``during``: "login" or
    "confirm" (the identity confirmation of a signed-in user)."""
    action = (
        "user.login_second_factor_failed"
        if during == "login"
        else "user.identity_confirmation_failed"
    )
    announce(action, user, user=user if during != "login" else None)
    db.session.flush()


# --- confirming identity (step-up) -----------------------------------------------------


def confirm_identity(
    user: User, *, code: str | None = None, password: str | None = None
) -> str | None:
    """Check a second-factor code (users with a factor) or the password (users without one).

    Returns the method, or None for a wrong answer, which is audited: the caller shows its
    message and lets the request commit (the failure's entry is kept, as for a failed login).
    """
    if has_second_factor(user):
        method = check_code(user, code)
    else:
        ok = bool(password) and verify_password(user.password_hash, password)
        method = "password" if ok else None
    if method is None:
        record_failed_code(user, during="confirm")
        return None
    announce("user.identity_confirmed", user, user=user, changes={"method": method})
    db.session.flush()
    return method


# --- e-mails ---------------------------------------------------------------------------


def notify_factor_added(user: User, factor_label) -> None:
    email_user(
        "second_factor_added",
        user,
        factor_label=factor_label,
        changed_dt=now_utc(),
        security_url=external_url("accounts.security"),
    )


def notify_factor_removed(user: User, factor_label) -> None:
    email_user(
        "second_factor_removed",
        user,
        factor_label=factor_label,
        changed_dt=now_utc(),
        security_url=external_url("accounts.security"),
    )


# --- administrator's reset -------------------------------------------------------------


def reset_second_factor(user: User, *, actor) -> dict:
    """Delete every second factor of ``user`` (authenticator app, recovery codes, passkeys),
    end their sessions, audit and e-mail them. Not for one's own account."""
    if user.id == actor.id:
        raise AccountError(_("You cannot reset your own second factor: ask another administrator."))
    before = {
        "totp": totp_factor(user) is not None,
        "passkeys": passkey_count(user),
        "recovery_codes": remaining_recovery_codes(user),
    }
    if not before["totp"] and not before["passkeys"]:
        raise AccountError(_("This person has no second factor to reset."))
    for model in (TotpFactor, RecoveryCode, WebAuthnCredential):
        db.session.execute(delete(model).where(model.user_id == user.id))
    ended = _end_sessions(user)
    changes = {key: [value, 0 if key != "totp" else False] for key, value in before.items()}
    announce("user.second_factor_reset", user, user=actor, changes=changes)
    email_user(
        "second_factor_reset",
        user,
        reset_dt=now_utc(),
        login_url=external_url("accounts.login"),
    )
    db.session.flush()
    return {"sessions_ended": ended, **before}


def _end_sessions(user: User) -> int:
    return session_auth.revoke_sessions(user, reason="factor_reset")
