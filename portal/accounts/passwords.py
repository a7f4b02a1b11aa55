"""Password hashing (argon2id) and the password policy.

Policy (NIST SP 800-63B style): at least 12 characters, not a common or breached password,
not the user's e-mail; no composition rules. The common-password list ships with the portal
(``data/common-passwords.txt.gz``, the 20,000 most common passwords, from Django's
auth module, BSD licence).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt.gz"
MAX_LENGTH = 256


def hasher() -> PasswordHasher:
    cfg = current_app.config
    return _hasher(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check; with no stored hash a dummy hash is verified (equal timing)."""
    ph = hasher()
    try:
        return ph.verify(stored_hash or _dummy_hash(ph), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=4)
def _dummy_hash_for(params: tuple) -> str:
    return PasswordHasher(*params).hash("dummy password for timing equalisation")


def _dummy_hash(ph: PasswordHasher) -> str:
    return _dummy_hash_for((ph.time_cost, ph.memory_cost, ph.parallelism))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, email: str | None = None) -> list:
    """Reasons (translatable) why ``password`` is refused; empty when it is acceptable."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_l("Use at least %(n)d characters.", n=minimum))
    if len(password) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        problems.append(_l("This password is too common or appears in known data breaches."))
    if email and lowered == email.strip().lower():
        problems.append(_l("Do not use your e-mail address as your password."))
    return problems
