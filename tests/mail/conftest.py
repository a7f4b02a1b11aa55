"""Fixtures for these tests."""

import pytest

from tests.support.context import factory_context


@pytest.fixture(autouse=True)
def _app_context(app, connection):
    """Factories and operations need an application context (see tests/admin/context.py),
    inside the rolled-back transaction: a test that commits must never leave rows behind."""
    with factory_context(app):
        yield


@pytest.fixture
def mail_config(app, monkeypatch):
    """Set mail settings on the app (requests) and on the context used by direct calls."""
    from flask import current_app

    def configure(**settings):
        for config in {id(c): c for c in (app.config, current_app.config)}.values():
            for key, value in settings.items():
                monkeypatch.setitem(config, key, value)

    return configure


@pytest.fixture
def smtp_server(mail_config):
    """A real SMTP server on 127.0.0.1; the app is configured to send through it."""
    from tests.mail.smtp import start_server

    controller, handler = start_server()
    mail_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        controller.stop()
