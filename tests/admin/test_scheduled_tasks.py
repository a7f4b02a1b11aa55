"""Scheduled tasks page: administrators only, reached from their home page; it lists every
task with its schedule and the latest runs with status and error, in Spanish too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from portal.core.db import db
from portal.scheduler import runner
from tests.scheduler import helpers
from tests.scheduler.helpers import COUNT, FAIL, WHEN, use_tasks
from tests.support.factories import make_user
from tests.support.matrix import login

NOON = datetime(2027, 3, 2, 18, 0, tzinfo=UTC)


def test_only_administrators_see_scheduled_tasks(matrix):
    matrix.check("/admin/scheduled-tasks", {"admin"})


def test_reached_from_the_home_page_with_runs_and_errors(app, matrix, monkeypatch):
    use_tasks(monkeypatch, app, {COUNT: "daily 07:00", FAIL: "every 2 hours", WHEN: "weekly"})
    runner.tick(NOON)
    db.session.commit()
    admin = matrix.client("admin")
    home = admin.get("/dashboard").get_data(as_text=True)
    link = re.search(r'href="(/admin/scheduled-tasks)"', home)
    assert link, "no link to the scheduled tasks on the administrator's home page"

    page = admin.get(link.group(1)).get_data(as_text=True)
    assert "Every day at 07:00 (America/Mexico_City)" in page
    assert "Every 2 hours" in page
    assert "Setting not understood: “weekly”" in page
    assert "SCHEDULE_TEST_WHEN" in page
    assert "Succeeded" in page and "call 1" in page
    assert "Failed" in page and "RuntimeError: the storage bucket is unreachable" in page
    assert "second line never shown" not in page
    assert "the scheduler runs them itself" in page  # no Redis in the suite


def test_in_spanish(app, client, monkeypatch):
    use_tasks(monkeypatch, app, {COUNT: "every 10 minutes", FAIL: "off"})
    runner.tick(NOON)
    admin = make_user(name="Alba Administradora", roles=("admin",), locale="es")
    db.session.commit()
    login(client, admin.email)
    page = client.get("/admin/scheduled-tasks").get_data(as_text=True)
    assert "Tareas programadas" in page
    assert "Cada 10 minutos" in page and "Desactivada" in page
    assert "Completado" in page and "Ejecuciones recientes" in page


def test_without_any_run_it_says_how_to_start_the_scheduler(matrix, monkeypatch, app):
    use_tasks(monkeypatch, app, {COUNT: "hourly"})
    helpers.CALLS.clear()
    page = matrix.client("admin").get("/admin/scheduled-tasks").get_data(as_text=True)
    assert "No scheduled task has run yet" in page and "scheduler run" in page


def test_the_home_page_shows_a_task_whose_latest_run_failed(app, matrix, monkeypatch):
    use_tasks(monkeypatch, app, {FAIL: "hourly"})
    runner.tick(NOON)
    admin = matrix.client("admin")
    home = admin.get("/dashboard").get_data(as_text=True)
    assert "Scheduled tasks that failed" in home
    assert "Failing" in home and "RuntimeError: the storage bucket is unreachable" in home

    monkeypatch.setattr(helpers, "failing_job", lambda: "fixed")  # the next hour succeeds
    runner.tick(NOON + timedelta(hours=1))
    home = admin.get("/dashboard").get_data(as_text=True)
    assert "Scheduled tasks that failed" not in home
