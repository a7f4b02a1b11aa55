"""Personal access tokens: create, revoke, note their use. Validate, change state, audit,
flush; never commit (the view or the API's authentication hook commits once)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.api import tokens
from portal.api.models import ApiToken
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.urls import external_url
from portal.mail.operations import email_user

# Lifetimes offered when creating a token. No "never expires": a leaked token that never
# expires works until someone notices; a finance system can rotate its token once a year.
EXPIRY_DAYS = (30, 90, 365)
DEFAULT_EXPIRY_DAYS = 90
NAME_MAX = 100
# Enough for a few systems and their rotation overlap; bounds what one account can create.
MAX_ACTIVE_TOKENS = 20
# ``last_used_dt`` is written at most once a minute per token: reads stay cheap.
LAST_USED_EVERY = timedelta(minutes=1)


def active_count(user, now: datetime) -> int:
    return db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_dt.is_(None), ApiToken.expires_dt > now
        )
    )


def create_token(user, *, name: str, days: int, now: datetime | None = None):
    """Create a token for ``user``; returns ``(token, secret)``. The secret is never stored:
    show it once and forget it."""
    now = now or now_utc()
    name = (name or "").strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Give the token a name, e.g. the system that will use it.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name is too long (at most %(max)s characters).", max=NAME_MAX)]
    elif any(unicodedata.category(char) == "Cc" for char in name):
        # NUL, tabs, line breaks...: a one-line field never holds them, and PostgreSQL refuses
        # NUL in text (a server error instead of a message).
        errors["name"] = [_("The name must be one line of text, without control characters.")]
    if days not in EXPIRY_DAYS:
        errors["expires_in"] = [_("Choose one of the offered lifetimes.")]
    if not errors and active_count(user, now) >= MAX_ACTIVE_TOKENS:
        errors[""] = [
            _(
                "You already have %(count)s active tokens. Revoke one you no longer use first.",
                count=MAX_ACTIVE_TOKENS,
            )
        ]
    if errors:
        raise InputError(errors)
    secret = tokens.generate()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=tokens.hash_secret(secret),
        prefix=tokens.display_prefix(secret),
        created_dt=now,
        expires_dt=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record("api_token.created", token, changes=token.audit_fields(), user=user)
    email_user(
        "api_token_created",
        user,
        token=token,
        tokens_url=external_url("api_tokens.index"),
    )
    return token, secret


def revoke_token(token: ApiToken, actor, now: datetime | None = None) -> bool:
    """Revoke ``token`` (idempotent: False when it was already revoked)."""
    if token.revoked_dt is not None:
        return False
    token.revoked_dt = now or now_utc()
    db.session.flush()
    record(
        "api_token.revoked",
        token,
        changes={"name": token.name, "prefix": token.prefix, "owner_id": token.user_id},
        user=actor,
    )
    return True


def note_use(token: ApiToken, now: datetime) -> bool:
    """Stamp ``last_used_dt``, at most once per ``LAST_USED_EVERY``: a conditional UPDATE, so
    concurrent requests write once. Returns whether a write was issued."""
    if token.last_used_dt is not None and now - token.last_used_dt < LAST_USED_EVERY:
        return False
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_dt.is_(None), ApiToken.last_used_dt <= now - LAST_USED_EVERY),
        )
        .values(last_used_dt=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(token, "last_used_dt", now)
    return True


def tokens_of(user) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.created_dt.desc(), ApiToken.id)
        )
    )
