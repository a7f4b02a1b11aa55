"""Factories: each returns a committed object (committed = released savepoint in tests).

Thin wrappers over the portal's builders (``portal/<domain>/builders.py``, shared with the
demo seed) that add the tests' defaults (unique e-mails, names and RFCs) and commit."""

from __future__ import annotations

import itertools
from functools import lru_cache

from portal.accounts.builders import build_user
from portal.accounts.models import User
from portal.accounts.passwords import _hasher
from portal.core.db import db
from portal.organisations.builders import add_membership, build_organisation
from portal.organisations.models import Membership, Organisation

DEFAULT_PASSWORD = "correct horse battery staple 42"


@lru_cache(maxsize=16)
def hash_password(password: str) -> str:
    """Hash with the testing parameters (TestingConfig), without needing an app context."""
    return _hasher(1, 1024, 1).hash(password)


_seq = itertools.count(1)

# Valid RFCs with correct check digits (company, 12 characters).
VALID_RFCS = ["GODE561231GR8", "SAT970701NN3", "IMS421231I45"]


def make_user(
    email: str | None = None,
    *,
    roles=("applicant",),
    password: str = DEFAULT_PASSWORD,
    verified: bool = True,
    name: str | None = None,
    locale: str = "en",
    active: bool = True,
) -> User:
    n = next(_seq)
    user = build_user(
        email or f"user{n}@example.org",
        name or f"Test User {n}",
        password_hash=hash_password(password) if password else None,
        roles=roles,
        verified=verified,
        locale=locale,
        active=active,
    )
    db.session.commit()
    return user


def make_organisation(
    owner: User | None = None,
    *,
    rfc: str | None = None,
    legal_name: str | None = None,
    state_code: str = "19",
    kind: str = "cso",
    signatory: User | None = None,
) -> Organisation:
    n = next(_seq)
    org = build_organisation(
        kind=kind,
        legal_name=legal_name or f"Organización de Prueba {n} A.C.",
        rfc=rfc or _rfc_for(n),
        state_code=state_code,
    )
    if owner is not None:
        add_membership(org, owner, "owner", is_signatory=signatory is None)
    if signatory is not None and signatory is not owner:
        add_membership(org, signatory, "editor", is_signatory=True)
    db.session.commit()
    return org


def add_member(org: Organisation, user: User, role: str = "editor") -> Membership:
    membership = add_membership(org, user, role)
    db.session.commit()
    return membership


def _rfc_for(n: int) -> str:
    """A company RFC with a correct check digit, unique per n, that the portal's rules accept."""
    from stdnum.mx import rfc as rfc_mod

    letters = "ABCDEFGHJKLMNPRSTUV"
    homoclave = f"{letters[(n // 100) % len(letters)]}{1 + (n // 1900) % 9}"
    for day in range(1, 29):
        base = f"TST{n % 100:02d}01{day:02d}{homoclave}"
        candidate = base + rfc_mod.calc_check_digit(base)
        if rfc_mod.is_valid(candidate, validate_check_digits=True):
            return candidate
    raise AssertionError("could not build a valid RFC")
