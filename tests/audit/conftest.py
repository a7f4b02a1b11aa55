"""Fixtures for these tests."""

import pytest

from tests.support.context import factory_context


@pytest.fixture(autouse=True)
def _app_context(app):
    """Factories and operations need an application context (see tests/admin/context.py)."""
    with factory_context(app):
        yield
