"""What the cluster test prints: one line per check, "ok: ..." or "FAIL: ..."."""

from __future__ import annotations

import time
import traceback
from contextlib import contextmanager


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.started = time.monotonic()

    def _stamp(self) -> str:
        return f"[{time.monotonic() - self.started:6.1f}s]"

    def ok(self, message: str) -> None:
        print(f"{self._stamp()} ok: {message}", flush=True)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"{self._stamp()} FAIL: {message}", flush=True)

    def note(self, message: str) -> None:
        print(f"{self._stamp()} .. {message}", flush=True)

    def expect(self, condition: bool, message: str, detail: str = "") -> bool:
        if condition:
            self.ok(message)
        else:
            self.fail(f"{message}{': ' + detail if detail else ''}")
        return condition

    @contextmanager
    def check(self, title: str):
        """A group of checks: an unexpected error fails it and the run goes on."""
        self.note(title)
        try:
            yield
        except Exception as exc:
            self.fail(f"{title}: {type(exc).__name__}: {exc}")
            traceback.print_exc()
