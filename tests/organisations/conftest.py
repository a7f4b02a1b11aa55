"""Organisation tests read pages in English (the source language of the messages)."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.core.db import db
from tests.organisations.helpers import company_rfc


@pytest.fixture
def personas(personas):
    """English pages, and RFCs that pass the check-digit rules: ``factories._rfc_for`` gives
    invalid homoclaves for some sequence numbers (second character 0, first W-Z)."""
    for value in personas.values():
        if isinstance(value, User):
            value.locale = "en"
    personas["org_a"].rfc = company_rfc("OAA150312AB")
    personas["org_b"].rfc = company_rfc("OBB150312AB")
    db.session.commit()
    return personas
