"""Which routes the access-matrix tests reached, and which ones they never did.

Every ``AccessMatrix.check`` notes the endpoint it requested. At the end of a full run
(``make test`` sets ``ROUTE_COVERAGE=enforce``) the session fails if any endpoint of the portal
was never checked as all seven personas. With xdist each worker writes its endpoints to a file
and the controller merges them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "route-coverage"
COVERED: set[str] = set()
# Endpoints with no per-object data to protect, or only reachable as a side effect of another.
EXEMPT = frozenset({"static"})


def note(app, method: str, url: str) -> None:
    path = urlsplit(url).path
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except Exception:
        return
    COVERED.add(endpoint)


def is_worker(config) -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


def reset(config) -> None:
    if not is_worker(config):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for stale in ARTIFACTS.glob("*.json"):
            stale.unlink()


def save(config) -> None:
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(sorted(COVERED)))


def uncovered() -> list[str]:
    from portal import create_app

    covered: set[str] = set()
    for part in ARTIFACTS.glob("*.json"):
        covered.update(json.loads(part.read_text()))
    endpoints = {rule.endpoint for rule in create_app("testing").url_map.iter_rules()}
    return sorted(endpoints - covered - EXEMPT)


def enforce(session) -> None:
    """Controller side, after every worker has saved: fail the run on uncovered routes."""
    if is_worker(session.config):
        return
    missing = uncovered()
    (ARTIFACTS / "uncovered.txt").write_text("\n".join(missing) + "\n")
    if missing and os.environ.get("ROUTE_COVERAGE") == "enforce":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("Routes never checked by an access-matrix test:", red=True)
        for endpoint in missing:
            reporter.write_line(f"  {endpoint}", red=True)
        session.exitstatus = 1
