"""Issue 18: every page's SQL statement count is fixed, and asserted here.

Every GET endpoint a persona reaches (the fuzz tests' world and crawl: the demo data plus
``tests/fuzz/world_extras.py``, the seven personas logged in, breadth-first over links and the
URL map) is requested once more by the first persona that reached it, and its statements are
counted (``tests/support/queries.py``). The JSON API (which the crawl skips) is requested with
the administrator's personal access token. The counts are compared with the committed snapshot
``statement_counts.json`` (endpoint -> count; ``statement_counts.postgresql.json`` when
``TEST_DATABASE_URL`` is PostgreSQL); any difference fails, naming the endpoint, the old and the
new count, and the URL and persona used.

When a change is intended (a page now shows one more thing, or an N+1 was fixed), rewrite the
snapshots (both databases) and commit them with the change:

    cd tests && UPDATE_STATEMENT_COUNTS=1 ../.venv/bin/python -m pytest -n 0 -q \
        foundation/test_statement_counts.py
    TEST_DATABASE_URL=postgresql+psycopg://... UPDATE_STATEMENT_COUNTS=1 ...   # the same

The scaling checks (``test_list_pages_do_not_grow_with_rows``, in
``tests/foundation/test_statement_scaling.py``) add rows to what each list page shows and assert
that its count does not change (an N+1 fails them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import models
from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD
from portal.demo.seed import seed_all
from tests.fuzz import policy, world_extras
from tests.fuzz.crawl import discover
from tests.fuzz.harness import World
from tests.support.context import twin_of
from tests.support.matrix import login
from tests.support.queries import count_statements

# One snapshot per database: a page that writes (a download or an export records an audit
# entry) runs one more statement on PostgreSQL, which locks the audit chain.
SNAPSHOTS = {
    "sqlite": Path(__file__).with_name("statement_counts.json"),
    "postgresql": Path(__file__).with_name("statement_counts.postgresql.json"),
}
UPDATE = os.environ.get("UPDATE_STATEMENT_COUNTS", "") not in ("", "0")
# The signed-in session row is stamped at most once every SESSION_TOUCH_SECONDS: an extra UPDATE
# that depends on the clock, not on the page. The world outlasts the default interval.
NO_TOUCH = 7 * 24 * 3600


@pytest.fixture(scope="module")
def counted(app, engine):
    """``endpoint -> (count, persona, url)`` for every GET endpoint reached."""
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    world = World(app, connection, models.Base.metadata)
    patch = pytest.MonkeyPatch()
    patch.setitem(app.config, "SESSION_TOUCH_SECONDS", NO_TOUCH)
    try:
        with twin_of(app).test_request_context("/?lang=en"):
            demo = seed_all()
            db.session.commit()
            hints = world_extras.build(app, demo)
            db.session.commit()
            token = _admin_token(demo)
            db.session.commit()
            award_id = _active_award_id()
        db.session.remove()
        for persona, email in policy.PERSONAS.items():
            client = app.test_client()
            if email:
                login(client, email, DEMO_PASSWORD)
            client.get("/account" if email else "/login")
            world.add_client(persona, client)
        db.session.remove()
        with world:
            world.freeze()
            chosen: dict[str, tuple[str, str]] = {}
            for persona in policy.PERSONAS:
                found = discover(world, persona, hints.get(persona, []))
                for endpoint, urls in found.pages.items():
                    chosen.setdefault(endpoint, (persona, urls[0]))
            counts = {
                endpoint: (_count(world, engine, persona, url, endpoint), persona, url)
                for endpoint, (persona, url) in sorted(chosen.items())
            }
        counts.update(_api_counts(app, engine, token, award_id))
        yield counts
    finally:
        patch.undo()
        db.session.remove()
        db.session.configure(bind=None)
        outer.rollback()
        connection.close()


def _count(world, engine, persona: str, url: str, endpoint: str) -> int:
    """The statements of the second request (the first may fill per-process caches)."""
    world.send(persona, "GET", url, endpoint=endpoint, stage="count")
    with count_statements(engine) as counter:
        outcome = world.send(persona, "GET", url, endpoint=endpoint, stage="count")
    assert outcome.status is not None and outcome.status < 400, (endpoint, url, outcome.status)
    return counter.count


def _admin_token(demo) -> str:
    from portal.api.operations import create_token

    _, token = create_token(demo.users[policy.PERSONAS["admin"]], name="counts", days=30)
    return token


def _active_award_id() -> int:
    from portal.awards.constants import MONEY_STATUSES
    from portal.awards.models import Award

    return db.session.scalar(
        select(Award.id).where(Award.status.in_(list(MONEY_STATUSES))).order_by(Award.id).limit(1)
    )


def _api_counts(app, engine, token: str, award_id: int) -> dict:
    """Every GET rule of the JSON API, as the administrator (who sees every award). The API
    writes nothing but its token's last use, stamped by the first request (not counted)."""
    results = {}
    adapter = app.url_map.bind("localhost")
    headers = {"Authorization": f"Bearer {token}"}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if not rule.endpoint.startswith("api.") or "GET" not in rule.methods:
            continue
        values = {name: award_id for name in rule.arguments}
        if set(rule.arguments) - {"award_id"}:
            values = {name: _first_id(name) for name in rule.arguments}
        url = adapter.build(rule.endpoint, values)
        client = app.test_client()
        client.get(url, headers=headers)  # the token's first use is stamped (once a while)
        with count_statements(engine) as counter:
            response = client.get(url, headers=headers)
        db.session.remove()
        assert response.status_code == 200, (rule.endpoint, url, response.status_code)
        results[rule.endpoint] = (counter.count, "admin (token)", url)
    return results


def _first_id(name: str) -> int:
    from portal.calls.models import Call

    tables = {"call_id": Call.id}
    return db.session.scalar(select(tables[name]).order_by(tables[name]).limit(1))


def test_every_page_keeps_its_statement_count(counted, engine):
    snapshot = SNAPSHOTS[engine.dialect.name]
    new = {endpoint: count for endpoint, (count, _, _) in counted.items()}
    if UPDATE:
        snapshot.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return
    old = json.loads(snapshot.read_text(encoding="utf-8")) if snapshot.exists() else {}
    lines = []
    for endpoint in sorted(set(old) | set(new)):
        before, after = old.get(endpoint), new.get(endpoint)
        if before == after:
            continue
        where = ""
        if endpoint in counted:
            _, persona, url = counted[endpoint]
            where = f"  ({persona} GET {url})"
        lines.append(f"{endpoint}: {_shown(before)} -> {_shown(after)}{where}")
    assert not lines, (
        "statement counts changed (UPDATE_STATEMENT_COUNTS=1 rewrites the snapshot when the"
        " change is intended):\n  " + "\n  ".join(lines)
    )


def _shown(count) -> str:
    return "not reached" if count is None else str(count)
