"""Fixtures for the accounts tests.

No app context stays open while the test client runs: Flask reuses an open one for every
request, so ``g`` (and Flask-Login's cached user) would leak from one request to the next and
hide exactly the session bugs these tests look for. Factories get a short context instead.
"""

from __future__ import annotations

import pytest

from portal.extensions import limiter
from tests.support import factories


@pytest.fixture
def make_user(connection):
    return factories.make_user


@pytest.fixture
def restore_limiter():
    """Creating an app with rate limiting on switches the shared limiter on; undo that."""
    enabled = limiter.enabled
    yield limiter
    limiter.enabled = enabled
