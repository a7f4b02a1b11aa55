"""Sign-in throttling without lock-outs (issue 17), and the limits of the e-mail forms.

Three counters guard ``POST /login``, none of which can keep the real user out:

* per client address (``LOGIN_LIMIT_PER_IP``): every POST, whatever the account;
* per typed e-mail address AND client address (``LOGIN_LIMIT_PER_ACCOUNT_AND_IP``): failed
  sign-ins only; a success clears it. An attacker's address is stopped, the user's is not;
* per typed e-mail address alone: only past a much higher number of failures
  (``LOGIN_SLOWDOWN_AFTER`` within ``LOGIN_SLOWDOWN_WINDOW`` seconds), and then a wait that
  doubles with each further failure (``LOGIN_SLOWDOWN_DELAY`` up to
  ``LOGIN_SLOWDOWN_MAX_DELAY`` seconds), never a lock. A browser carrying a known-device
  cookie for the account (portal/accounts/devices.py) is exempt, so spraying from many
  addresses does not keep the user out either.

Nothing sleeps in the request: a throttled attempt is answered at once with the "Too many
attempts" page (429) and a Retry-After header, without checking the password. The counters key
on a digest of the normalised typed address whether or not it has an account, so known and
unknown accounts get the same answers. They live in the limiter's storage (memory:// per
process; Redis with ``REDIS_URL``, shared by every web instance).
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import lru_cache, wraps

from flask import current_app, request
from flask_login import current_user
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from portal.accounts import devices
from portal.accounts.operations import normalise_email
from portal.extensions import limiter

PREFIX = "cofinancia-login"


def _now() -> float:
    """The clock (the tests move it instead of sleeping)."""
    return time.time()


def limits_off() -> bool:
    """The limiter is one object shared by every app in the process; follow this app's setting."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


# --- Flask-Limiter decorators (POST only) ----------------------------------------------


def _limit(value, **kwargs):
    return limiter.limit(value, methods=["POST"], exempt_when=limits_off, **kwargs)


def _ip_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def _email_form_limit() -> str:
    return current_app.config["EMAIL_FORM_LIMIT_PER_ADDRESS"]


def _typed_address_key() -> str:
    """Requests for one address count together, whether or not it has an account."""
    return "address:" + _digest(request.form.get("email"))


def _user_key() -> str:
    return f"user:{current_user.id}"


def per_ip(view):
    """Every POST per client address (and form)."""
    return _limit(_ip_limit)(view)


def per_ip_and_address(view):
    """The forms that send e-mail: per client address, and per typed e-mail address."""
    view = _limit(_email_form_limit, key_func=_typed_address_key)(view)
    return per_ip(view)


def _code_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"]


def codes_per(key_func=None):
    """Second-factor codes and identity confirmations: per ``key_func`` (default: the signed-in
    user) at the rate of failed sign-ins per account and address."""

    def decorate(view):
        return _limit(_code_limit, key_func=key_func or _user_key)(view)

    return decorate


def per_user(view):
    """The password change form, per signed-in user (it checks the current password)."""
    return _limit(_email_form_limit, key_func=_user_key)(view)


def login_throttle(view):
    """The sign-in form: per client address, then the failure throttles below (POST only)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method == "POST":
            check_login(request.form.get("email"))
        return view(*args, **kwargs)

    return per_ip(guarded)


# --- failure counters ------------------------------------------------------------------


def _digest(email: str | None) -> str:
    """The typed address, normalised and hashed (no personal data in the storage's keys)."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def _client() -> str:
    return request.remote_addr or "unknown"


@lru_cache(maxsize=16)
def _parsed(value: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(value))


def _pair() -> tuple[tuple[RateLimitItem, ...], str]:
    limits = _parsed(current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"])
    return limits, f"{PREFIX}/pair"


def _wait_until(expiry: float) -> int:
    return max(1, math.ceil(expiry - _now()))


def _pair_wait(digest: str) -> int:
    """Seconds until this address may try this account again from this client (0: now)."""
    items, namespace = _pair()
    strategy = limiter.limiter
    waits = [
        _wait_until(strategy.get_window_stats(item, namespace, digest, _client()).reset_time)
        for item in items
        if not strategy.test(item, namespace, digest, _client())
    ]
    return max(waits, default=0)


def _slowdown_keys(digest: str) -> tuple[str, str]:
    return f"{PREFIX}/failures/{digest}", f"{PREFIX}/wait/{digest}"


def _account_wait(digest: str) -> int:
    """Seconds the account-wide slow-down still asks for (0: none)."""
    _, wait_key = _slowdown_keys(digest)
    storage = limiter.storage
    if storage.get(wait_key) <= 0:
        return 0
    return _wait_until(storage.get_expiry(wait_key))


def delay_after(failures: int) -> int:
    """The wait after the ``failures``-th failure in the window: none up to the threshold,
    then the first delay, doubling at each failure, capped."""
    cfg = current_app.config
    over = failures - cfg["LOGIN_SLOWDOWN_AFTER"]
    if over <= 0:
        return 0
    first, cap = cfg["LOGIN_SLOWDOWN_DELAY"], cfg["LOGIN_SLOWDOWN_MAX_DELAY"]
    return min(cap, first * 2 ** min(over - 1, 30))


def check_login(email: str | None) -> None:
    """Refuse (429 with Retry-After) a sign-in attempt that must wait; the password is not
    checked then. The same work whether the typed address has an account or not."""
    if limits_off():
        return
    digest = _digest(email)
    wait = _pair_wait(digest)
    if not devices.is_known_device(email):
        wait = max(wait, _account_wait(digest))
    if wait:
        raise TooManyRequests(retry_after=wait)


def login_failed(email: str | None) -> None:
    """Count a failed sign-in for this account from this address, and account-wide (unless
    this browser is a known device of the account, which the slow-down spares)."""
    if limits_off():
        return
    digest = _digest(email)
    items, namespace = _pair()
    for item in items:
        limiter.limiter.hit(item, namespace, digest, _client())
    if devices.is_known_device(email):
        return
    failures_key, wait_key = _slowdown_keys(digest)
    storage = limiter.storage
    failures = storage.incr(failures_key, current_app.config["LOGIN_SLOWDOWN_WINDOW"])
    delay = delay_after(failures)
    if delay:
        storage.clear(wait_key)
        storage.incr(wait_key, delay)


def login_succeeded(email: str | None) -> None:
    """A successful sign-in clears this address's failures for the account."""
    if limits_off():
        return
    digest = _digest(email)
    items, namespace = _pair()
    for item in items:
        limiter.limiter.clear(item, namespace, digest, _client())
