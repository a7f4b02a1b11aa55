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
def make_user(app, connection):
    """``factories.make_user`` inside a short application context (it hashes a password)."""

    def _make(*args, **kwargs):
        with app.app_context():
            return factories.make_user(*args, **kwargs)

    return _make


@pytest.fixture
def personas(app, connection):
    """The access-matrix personas of tests/conftest.py, built inside a short app context."""
    with app.app_context():
        users = {
            "applicant": factories.make_user(name="Ana Aplicante", roles=("applicant",)),
            "other_applicant": factories.make_user(name="Otto Otra", roles=("applicant",)),
            "reviewer": factories.make_user(name="Rita Revisora", roles=("reviewer",)),
            "grants_manager": factories.make_user(name="Gabriel Gestor", roles=("grants_manager",)),
            "finance_officer": factories.make_user(
                name="Fernanda Finanzas", roles=("finance_officer",)
            ),
            "admin": factories.make_user(name="Adela Admin", roles=("admin",)),
        }
        users["org_a"] = factories.make_organisation(users["applicant"], legal_name="Org A A.C.")
        users["org_b"] = factories.make_organisation(
            users["other_applicant"], legal_name="Org B S.A. de C.V.", kind="company"
        )
    return users


@pytest.fixture
def restore_limiter():
    """Creating an app with rate limiting on switches the shared limiter on; undo that."""
    enabled = limiter.enabled
    yield limiter
    limiter.enabled = enabled
