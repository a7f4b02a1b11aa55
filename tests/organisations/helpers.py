"""Shared helpers for the organisation tests."""

from __future__ import annotations

import secrets
from datetime import timedelta

from stdnum.mx import rfc as stdnum_rfc

from portal.core.db import db, now_utc
from portal.organisations.invitations import hash_token
from portal.organisations.models import Invitation
from tests.support.matrix import login


def company_rfc(base: str = "JCE150312AB") -> str:
    """A 12-character company RFC with a correct check digit."""
    return base + stdnum_rfc.calc_check_digit(base)


def org_form(**overrides) -> dict:
    """A complete, valid registration form (override fields to test one thing)."""
    data = {
        "kind": "cso",
        "legal_name": "Justicia Cercana, A.C.",
        "tax_residence": "mexico",
        "rfc": company_rfc(),
        "cluni": "",
        "state_code": "26",
        "municipality": "Hermosillo",
        "address": "Calle Rosales 12, Centro",
        "postal_code": "83000",
        "website": "https://justiciacercana.org.mx",
        "legal_rep_name": "Laura Méndez",
        "legal_rep_position": "Presidenta",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def logged_in(client, user):
    login(client, user.email)
    return client


def make_invitation(org, inviter, email: str, role: str = "editor") -> str:
    """An open invitation row; returns the secret token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        Invitation(
            organisation_id=org.id,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by_id=inviter.id,
            expires_dt=now_utc() + timedelta(days=7),
        )
    )
    db.session.commit()
    return token
