"""Schedules as written in the configuration: the periods every process agrees on."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from portal.scheduler.schedule import Daily, Every, ScheduleError, parse

ZONE = "America/Mexico_City"  # UTC-6 all year since 2022


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every 10 minutes", Every(600)),
        ("Every  1 min", Every(60)),
        ("every 2 hours", Every(7200)),
        ("hourly", Every(3600)),
        ("every 48 h", Every(172800)),
        ("daily 07:00", Daily(time(7, 0), ZONE)),
        ("daily 7:30", Daily(time(7, 30), ZONE)),
        ("off", None),
        ("", None),
    ],
)
def test_schedules_are_understood(text, expected):
    assert parse(text, ZONE) == expected


@pytest.mark.parametrize(
    "text",
    ["every 7 minutes", "every 30 seconds", "every 0 hours", "daily 25:00", "weekly", "07:00"],
)
def test_a_schedule_not_understood_says_what_to_write(text):
    with pytest.raises(ScheduleError) as error:
        parse(text, ZONE)
    assert repr(text) in str(error.value)


def test_interval_periods_start_on_the_same_boundaries_everywhere():
    every = parse("every 10 minutes", ZONE)
    start = datetime(2027, 3, 2, 13, 20, tzinfo=UTC)
    assert every.period_start(datetime(2027, 3, 2, 13, 29, 59, tzinfo=UTC)) == start
    assert every.period_start(start) == start
    assert every.period_start(datetime(2027, 3, 2, 13, 30, tzinfo=UTC)) > start


def test_a_daily_period_runs_from_one_programme_time_to_the_next():
    daily = parse("daily 07:00", ZONE)
    seven_local = datetime(2027, 3, 2, 13, 0, tzinfo=UTC)  # 07:00 in Mexico City
    assert daily.period_start(datetime(2027, 3, 2, 13, 0, tzinfo=UTC)) == seven_local
    assert daily.period_start(datetime(2027, 3, 3, 5, 59, tzinfo=UTC)) == seven_local
    # Before 07:00 local, the current period is still yesterday's.
    assert daily.period_start(datetime(2027, 3, 2, 12, 59, tzinfo=UTC)) == datetime(
        2027, 3, 1, 13, 0, tzinfo=UTC
    )
