"""Organisation tests read pages in English (the source language of the messages)."""

from __future__ import annotations

import pytest

from portal.accounts.models import User
from portal.core.db import db
from tests.support import factories



# NOTE (lead): tests/support/factories.py now hashes without an app context.


@pytest.fixture
def personas(personas):
    for value in personas.values():
        if isinstance(value, User):
            value.locale = "en"
    db.session.commit()
    return personas

# NOTE (lead): the pysqlite BEGIN fix now lives in portal/core/db.make_engine for every test;
# the local `connection` override was removed.
