"""Test tasks for the scheduler: jobs that count their calls or fail."""

from __future__ import annotations

from portal.scheduler.tasks import Task

CALLS: list[str] = []
PENDING = {"value": True}


def count_job() -> str:
    CALLS.append("count")
    return f"call {len(CALLS)}"


def failing_job() -> None:
    raise RuntimeError("the storage bucket is unreachable\nsecond line never shown")


def has_work() -> bool:
    return PENDING["value"]


COUNT = Task("test.count", "Counting", "SCHEDULE_TEST_COUNT", "tests.scheduler.helpers:count_job")
FAIL = Task("test.fail", "Failing", "SCHEDULE_TEST_FAIL", "tests.scheduler.helpers:failing_job")
WHEN = Task(
    "test.when",
    "Counting when there is work",
    "SCHEDULE_TEST_WHEN",
    "tests.scheduler.helpers:count_job",
    when="tests.scheduler.helpers:has_work",
)


def use_tasks(monkeypatch, app, schedules: dict[Task, str]) -> None:
    """Make the scheduler know only these tasks, with these schedules."""
    CALLS.clear()
    PENDING["value"] = True
    monkeypatch.setattr("portal.scheduler.tasks.TASKS", tuple(schedules))
    for task, schedule in schedules.items():
        monkeypatch.setitem(app.config, task.setting, schedule)
