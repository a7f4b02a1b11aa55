"""Personal access token secrets: generate, hash, look up.

A secret is ``cfp_`` followed by 32 random bytes (``secrets.token_urlsafe``: 256 bits). It is
shown to its owner once and stored only as its SHA-256 hex digest. A fast, unsalted hash is the
right tool here, unlike for passwords: the secret is high-entropy random data, so there is no
dictionary to try and no point in slowing down guesses (2^256 of them); a deterministic digest
also lets the lookup use the UNIQUE index on ``token_hash`` instead of scanning every token.
The prefix ``cfp_`` lets secret scanners recognise a leaked token.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.core.db import db

SECRET_PREFIX = "cfp_"
DISPLAY_LENGTH = 12  # "cfp_" + 8 characters of the secret, shown in lists
# token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet.
_SHAPE = re.compile(r"^cfp_[A-Za-z0-9_-]{43}$")


def generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[:DISPLAY_LENGTH]


def well_formed(secret: str) -> bool:
    return bool(_SHAPE.match(secret))


def lookup(secret: str) -> ApiToken | None:
    """The token with this secret and its user (roles loaded), whatever its state; one
    statement plus one for the roles. Malformed secrets never reach the database."""
    if not well_formed(secret):
        return None
    return db.session.scalar(
        select(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.token_hash == hash_secret(secret))
        .options(contains_eager(ApiToken.user).selectinload(User.role_rows))
    )
