"""Step-up in tests (issue 17): make this session's second-factor proof stale or fresh, and
check that a sensitive POST was sent to confirm and changed nothing.

The suite runs with a day-long ``STEP_UP_MAX_AGE`` (config ``TestingConfig``); the ``step_up``
fixture sets the production value (300 s) on the app for the test, and ``stale()`` sets 0 so
that the proof of the sign-in a moment ago is already too old.

``/account/confirm`` (``accounts.confirm_identity``) may not exist in this tree yet: until it
does, the fixture lets ``portal.accounts.step_up`` build its address (nothing is registered on
the app); the tests only read the redirect's ``Location``, they never follow it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from portal.accounts import step_up as step_up_module
from portal.audit.models import AuditEntry
from portal.core.db import db

CONFIRM_PATH = "/account/confirm"
CONFIRM_ENDPOINT = "accounts.confirm_identity"


class StepUp:
    def __init__(self, app, monkeypatch) -> None:
        self.app = app
        self.monkeypatch = monkeypatch
        self.fresh()

    def fresh(self) -> None:
        """The production window: a sign-in a moment ago is recent enough."""
        self.monkeypatch.setitem(self.app.config, "STEP_UP_MAX_AGE", 300)

    def stale(self) -> None:
        """Any proof is too old: the next sensitive POST must ask for the factor again."""
        self.monkeypatch.setitem(self.app.config, "STEP_UP_MAX_AGE", 0)

    @staticmethod
    def audit_count() -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry))

    @staticmethod
    def assert_asked(response, back: str) -> None:
        """``response`` sends the user to confirm, then back to ``back`` (the form's page)."""
        assert response.status_code == 302, (response.status_code, response.data[:300])
        location = urlsplit(response.headers["Location"])
        assert location.path == CONFIRM_PATH, response.headers["Location"]
        assert parse_qs(location.query) == {"next": [back]}, response.headers["Location"]


def _url_for_confirm(real_url_for):
    """``url_for`` as it will be once the confirmation page is registered."""

    def url_for(endpoint, **values):
        if endpoint == CONFIRM_ENDPOINT:
            return CONFIRM_PATH + ("?" + urlencode(values) if values else "")
        return real_url_for(endpoint, **values)

    return url_for


@pytest.fixture
def step_up(app, monkeypatch):
    if CONFIRM_ENDPOINT not in app.view_functions:
        monkeypatch.setattr(step_up_module, "url_for", _url_for_confirm(step_up_module.url_for))
    return StepUp(app, monkeypatch)
