"""Browser walk-throughs. The Playwright fixtures live in tests/support/browser.py and are
loaded for the whole suite from tests/conftest.py (``pytest_plugins``)."""


def pytest_collection_modifyitems(session, config, items):
    """The home-page walk-through reads the demo data as seeded: run it before the
    walk-throughs that sign, pay and review it (they share one live server)."""
    first = [i for i in items if "test_home_pages_walkthrough" in i.nodeid]
    items[:] = first + [i for i in items if i not in first]
