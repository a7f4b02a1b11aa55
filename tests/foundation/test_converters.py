"""Ids beyond the database's integer range match no route: 404, never a database error."""

from __future__ import annotations

import pytest

from portal.core.converters import MAX_ID

PATHS = ("/awards/{n}", "/finance/grants/{n}", "/finance/requests/{n}", "/applications/{n}")


@pytest.mark.parametrize("number", [str(MAX_ID + 1), "99999999999999999999"])
@pytest.mark.parametrize("path", PATHS)
def test_ids_beyond_the_range_are_not_found(app, personas, path, number):
    from tests.support.matrix import login

    client = app.test_client()
    login(client, personas["admin"].email)
    assert client.get(path.format(n=number)).status_code == 404


def test_the_largest_id_still_routes(app):
    adapter = app.url_map.bind("localhost")
    _endpoint, values = adapter.match(f"/awards/{MAX_ID}")
    assert values == {"award_id": MAX_ID}
