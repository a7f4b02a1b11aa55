"""The ``db_agnostic`` marker (tests/support/db_agnostic.py): CI's PostgreSQL pass skips the
tests it marks, so a test reaching the database must never carry it."""

from __future__ import annotations

import pytest

from tests.support.db_agnostic import is_db_agnostic


def test_a_test_reaching_no_database_is_marked(request):
    assert is_db_agnostic(request.node)
    assert request.node.get_closest_marker("db_agnostic") is not None


def test_a_test_on_the_database_is_not_marked(request, connection):
    assert not is_db_agnostic(request.node)
    assert request.node.get_closest_marker("db_agnostic") is None


@pytest.fixture
def through_the_app(app):
    return app


def test_a_database_fixture_reached_through_another_counts(request, through_the_app):
    assert request.node.get_closest_marker("db_agnostic") is None


@pytest.mark.skipif(False, reason="an environment condition, e.g. TEST_REDIS_URL")
def test_a_test_depending_on_the_environment_is_not_marked(request):
    assert request.node.get_closest_marker("db_agnostic") is None
