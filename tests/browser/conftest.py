"""Browser walk-throughs. The Playwright fixtures live in tests/support/browser.py and are
loaded for the whole suite from tests/conftest.py (``pytest_plugins``)."""
