"""Fixtures for the API tests: the world of tests/api/helpers.py and a token client."""

from __future__ import annotations

import pytest

from portal.finance import operations as finance_operations
from tests.api import helpers
from tests.finance.helpers import PAYMENTS_TODAY


@pytest.fixture
def world(app, ctx, personas, monkeypatch):
    # The world's payments are dated in 2027 (a payment date is never after "today").
    monkeypatch.setattr(finance_operations, "today", lambda: PAYMENTS_TODAY)
    return helpers.build_world(app, personas)


@pytest.fixture
def token_of(ctx):
    """``token_of(user)`` → the secret of a fresh 90-day token (cached per user)."""
    secrets: dict[int, str] = {}

    def _secret(user) -> str:
        if user.id not in secrets:
            secrets[user.id] = helpers.make_token(user)[1]
        return secrets[user.id]

    return _secret


@pytest.fixture
def api(app, token_of):
    """``api(user_or_None).get(url)``: a cookie-less client sending the user's token."""

    class _Client:
        def __init__(self, user):
            self.headers = helpers.bearer(token_of(user)) if user is not None else {}

        def get(self, url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return app.test_client().get(url, headers=headers, **kwargs)

    return _Client
