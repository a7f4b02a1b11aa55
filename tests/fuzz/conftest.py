"""The fuzz world: the demo data, seven logged-in personas and what each of them can reach.

Built once per test module on each worker, in a transaction of its own that is rolled back at
the end (pytest tears a module fixture down before the next module's tests run on that worker,
so no other test ever waits on it). Every request of the fuzz tests runs in a savepoint rolled
back after it, so the world never changes while the tests use it.
"""

from __future__ import annotations

import time

import pytest

from portal import models
from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD
from portal.demo.seed import seed_all
from tests.fuzz import policy, world_extras
from tests.fuzz.crawl import discover
from tests.fuzz.harness import ARTIFACTS, SUMMARY, Stopwatch, World, write_artifact
from tests.fuzz.plan import plan
from tests.support.context import twin_of
from tests.support.matrix import login

_STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """The one-line summary of every world of this run (each xdist worker writes its own)."""
    started = config.stash.get(_STARTED, None)
    if started is None or not ARTIFACTS.is_dir():
        return
    pattern = "gw*.txt" if getattr(config.option, "numprocesses", None) else "main.txt"
    for path in sorted(ARTIFACTS.glob(pattern)):
        if path.stat().st_mtime >= started:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith(SUMMARY):
                    terminalreporter.write_line(
                        f"{line} ({path.relative_to(ARTIFACTS.parents[1])})"
                    )


@pytest.fixture(scope="module")
def fuzz_world(app, engine):
    watch = Stopwatch()
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    world = World(app, connection, models.Base.metadata)
    try:
        with twin_of(app).test_request_context("/?lang=en"):
            demo = seed_all()
            db.session.commit()
            world.hints = world_extras.build(app, demo)
            db.session.commit()
        db.session.remove()
        for persona, email in policy.PERSONAS.items():
            client = app.test_client()
            if email:
                login(client, email, DEMO_PASSWORD)
            # A page with a form puts the session's CSRF secret in the cookie, which is then
            # frozen: every token read from a page later stays valid for this session.
            client.get("/account" if email else "/login")
            world.add_client(persona, client)
        db.session.remove()
        with world:
            world.freeze()
            world.discoveries = {
                p: discover(world, p, world.hints.get(p, [])) for p in policy.PERSONAS
            }
            world.jobs = plan(world, world.discoveries)
            world.log.append(f"world built in {watch}: {_discovery_summary(world)}")
            for persona, found in world.discoveries.items():
                world.log.append(f"  {persona} reached: {found.summary()}")
            yield world
    finally:
        db.session.remove()
        db.session.configure(bind=None)
        outer.rollback()
        connection.close()
        write_artifact(world.report())


def _discovery_summary(world) -> str:
    parts = []
    for persona, found in world.discoveries.items():
        parts.append(f"{persona}: {found.fetched} pages, {len(found.forms)} forms")
    return "; ".join(parts)
