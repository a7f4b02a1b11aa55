"""The ``db_agnostic`` marker: tests that cannot see which database the suite runs on.

CI runs the whole suite twice, on SQLite and on PostgreSQL (``.ci/run``). A test whose fixtures
never reach the test database (no ``database_url``, ``app``, ``engine`` or ``connection``, directly
or through another fixture) runs the same code in both passes: converters, amounts in words,
catalogue and static-file checks, configuration, apps built on their own in-memory SQLite. The
marker is added at collection, from each test's fixture closure, so new tests are classified
without anyone remembering to; the PostgreSQL pass deselects them (``-m "not db_agnostic"``).

Conservative on purpose: a test with a ``postgres`` or ``skipif`` marker (which may depend on the
environment, e.g. ``TEST_REDIS_URL``) is never called agnostic.
"""

from __future__ import annotations

import pytest

DATABASE_FIXTURES = frozenset({"database_url", "app", "engine", "connection"})
ENVIRONMENT_MARKERS = frozenset({"postgres", "skipif", "browser"})


def is_db_agnostic(item) -> bool:
    if not isinstance(item, pytest.Function):
        return False
    if set(item.fixturenames) & DATABASE_FIXTURES:  # the closure, autouse fixtures included
        return False
    return _marker_names(item).isdisjoint(ENVIRONMENT_MARKERS)


def _marker_names(item) -> set[str]:
    return {mark.name for mark in item.iter_markers()}


def mark(items) -> None:
    for item in items:
        if is_db_agnostic(item):
            item.add_marker(pytest.mark.db_agnostic)
