"""The fuzz harness itself: on a small app of its own, it must see a 5xx (propagated or only
logged), a write left behind by a refused request (4xx, or a redirect flashing an error), and
put the database and the session back after every request, accepted or not."""

from __future__ import annotations

import pytest
from flask import Flask, flash, redirect, session
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from portal.core.db import make_engine
from tests.fuzz.harness import World

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("text", String))


@pytest.fixture
def toy():
    engine = make_engine("sqlite://")
    connection = engine.connect()
    metadata.create_all(connection)
    connection.commit()
    outer = connection.begin()
    app = Flask("toy")
    app.secret_key = "toy"

    def write() -> None:
        connection.execute(insert(notes).values(text="x"))

    @app.get("/form")
    def form():
        session["csrf_token"] = "toy"  # what the harness expects of a real session
        return "<form method=post><input name=text></form>"

    @app.post("/refused-but-writes")
    def refused_but_writes():
        write()
        return "no", 422

    @app.post("/flashes-an-error")
    def flashes_an_error():
        write()
        flash("That did not work.", "danger")
        return redirect("/form")

    @app.post("/accepted")
    def accepted():
        write()
        session["csrf_token"] = "changed"
        return redirect("/form")

    @app.post("/refused")
    def refused():
        return "no", 400

    @app.post("/crashes")
    def crashes():
        raise RuntimeError("boom")

    client = app.test_client()
    client.get("/form")
    world = World(app, connection, metadata)
    world.add_client("someone", client)
    with world:
        world.freeze()
        yield world
    outer.rollback()
    connection.close()
    engine.dispose()


def _send(world, url):
    return world.send("someone", "POST", url, pairs=[("text", "a\x00b")], endpoint=url, stage="t")


def _rows(world) -> int:
    return world.connection.scalar(select(func.count()).select_from(notes))


def test_a_refused_request_that_writes_fails(toy):
    outcome = _send(toy, "/refused-but-writes")
    assert outcome.refused and outcome.changed == {"notes": "0 -> 1 rows"}
    [failure] = toy.failures
    assert failure.kind == "refused but changed" and failure.detail == "notes: 0 -> 1 rows"
    assert failure.payload == "text='a\\x00b'"


def test_a_redirect_flashing_an_error_is_a_refusal(toy):
    outcome = _send(toy, "/flashes-an-error")
    assert outcome.refused and outcome.flashes == [("danger", "That did not work.")]
    assert [f.kind for f in toy.failures] == ["refused but changed"]


def test_an_accepted_request_may_write_and_is_undone_with_the_session(toy):
    outcome = _send(toy, "/accepted")
    assert outcome.redirected and not outcome.refused and not toy.failures
    assert _rows(toy) == 0, "the request's savepoint is rolled back"
    assert toy._session(toy.clients["someone"])["csrf_token"] == "toy", "cookies put back"


def test_a_clean_refusal_passes(toy):
    assert _send(toy, "/refused").refused and not toy.failures


@pytest.mark.parametrize("propagate", [False, True])
def test_a_server_error_is_caught_with_its_exception(toy, propagate):
    toy.app.testing = propagate  # propagated to the client, or logged with a 500 page
    outcome = _send(toy, "/crashes")
    assert outcome.server_error
    [failure] = toy.failures
    assert failure.kind == "server error" and failure.detail.startswith("RuntimeError: boom")
    assert "raise RuntimeError" in failure.trace
