"""When a task is due: schedules written as short strings in the configuration.

- ``"every 10 minutes"``, ``"every 2 hours"``, ``"hourly"`` (= every 1 hour): periods of that
  length counted from the Unix epoch in UTC, so every process computes the same period starts.
- ``"daily 07:00"``: once a day at that time in the programme's zone
  (``BABEL_DEFAULT_TIMEZONE``); the period runs from one 07:00 to the next.
- ``"off"`` (or empty): never.

A task is due when the current period has no run yet. A scheduler that was down at 07:00 runs
that day's task when it comes back (once: the period is the same until the next 07:00), and
never runs a period that has already ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EVERY = re.compile(r"^every\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)$")
_DAILY = re.compile(r"^daily\s+(\d{1,2}):(\d{2})$")
_UNITS = {"s": 1, "m": 60, "h": 3600}


class ScheduleError(ValueError):
    """A schedule string that cannot be understood (the message says which and why)."""


@dataclass(frozen=True)
class Every:
    seconds: int

    def period_start(self, now: datetime) -> datetime:
        elapsed = int((now - EPOCH).total_seconds())
        return EPOCH + timedelta(seconds=elapsed - elapsed % self.seconds)

    def describe(self) -> str:
        if self.seconds % 3600 == 0:
            return f"every {self.seconds // 3600} h"
        if self.seconds % 60 == 0:
            return f"every {self.seconds // 60} min"
        return f"every {self.seconds} s"


@dataclass(frozen=True)
class Daily:
    at: time
    zone: str

    def period_start(self, now: datetime) -> datetime:
        zone = ZoneInfo(self.zone)
        local = now.astimezone(zone)
        start = datetime.combine(local.date(), self.at, tzinfo=zone)
        if start > local:
            start = datetime.combine(local.date() - timedelta(days=1), self.at, tzinfo=zone)
        return start.astimezone(UTC)

    def describe(self) -> str:
        return f"daily at {self.at:%H:%M} ({self.zone})"


def parse(text: str, zone: str) -> Every | Daily | None:
    """The schedule ``text`` means; None for "off". Raises :class:`ScheduleError`."""
    spec = " ".join((text or "").strip().lower().split())
    if spec in ("", "off", "never", "disabled"):
        return None
    if spec == "hourly":
        return Every(3600)
    if match := _EVERY.match(spec):
        seconds = int(match.group(1)) * _UNITS[match.group(2)[0]]
        if seconds < 60 or (86400 % seconds and seconds % 86400):
            raise ScheduleError(
                f"{text!r}: an interval must be at least a minute and divide a day evenly "
                "(or be whole days)"
            )
        return Every(seconds)
    if match := _DAILY.match(spec):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ScheduleError(f"{text!r}: no such time of day")
        return Daily(time(hour, minute), zone)
    raise ScheduleError(
        f"{text!r}: write 'every N minutes', 'every N hours', 'hourly', 'daily HH:MM' or 'off'"
    )
