"""Bearer-token authentication of the API.

Only ``Authorization: Bearer <token>`` is accepted; the session cookie is ignored on
``/api/v1``. A machine API has no use for a browser's ambient authority: without cookies a page
on another site cannot make a logged-in browser read the API, so no CSRF or CORS questions
arise, and every call names the token (and so the user) it acts for.

The token's user is loaded on every request, so the token acts with the user's CURRENT roles
and memberships; a deactivated user's tokens stop working at once.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request

from portal.api import operations, tokens
from portal.api.errors import ApiError
from portal.core.db import now_utc
from portal.core.unit_of_work import record_read


def bearer_secret() -> str | None:
    """The token in the Authorization header, or None when there is no Bearer header."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def authenticate():
    """Resolve the request's token to its user, or raise a 401 ``ApiError``."""
    secret = bearer_secret()
    if not secret:
        raise ApiError(401, "missing_token")
    token = tokens.lookup(secret)
    if token is None:
        raise ApiError(401, "invalid_token")
    now = now_utc()
    state = token.status(now)
    if state == "revoked":
        raise ApiError(401, "token_revoked")
    if state == "expired":
        raise ApiError(401, "token_expired")
    if not token.user.is_active:
        raise ApiError(401, "account_inactive")
    if operations.note_use(token, now):
        record_read()  # the token's last use is recorded; the unit of work commits it
    g.api_token = token
    return token.user


def rate_limit_key() -> str:
    """One bucket per token (a digest of the presented secret); per address without one."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "api-ip:" + (request.remote_addr or "unknown")


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "300 per minute")


def address_key() -> str:
    return "api-auth-failures:" + (request.remote_addr or "unknown")


def failed_auth_limit() -> str:
    """Refused tokens per address: made-up tokens each have a bucket of their own above, so
    guessing is limited by where it comes from."""
    return current_app.config.get("API_FAILED_AUTH_LIMIT", "30 per minute")


def refused(response) -> bool:
    return response.status_code == 401


def limits_off() -> bool:
    """The limiter is shared by every app in the process; follow this app's setting."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)
