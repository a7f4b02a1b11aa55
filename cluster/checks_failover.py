"""Failure checks: an instance that loses its database leaves the rotation (``/readyz`` 503),
and an instance killed outright under load costs at most the requests in flight."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import requests

from cluster.browser import Browser
from cluster.report import Report
from cluster.stack import Cluster

LOAD_PATHS = ("/", "/calls/", "/login", "/healthz")


def database_lost(cluster: Cluster, report: Report) -> None:
    """Instance b reaches PostgreSQL through the relay: cut it, b is unready, only a serves."""
    cluster.relay.stop()
    try:
        _without_database(cluster, report)
    finally:
        cluster.relay.start()
    cluster.wait_proxy_states({"b": "UP"}, timeout=30)
    session = requests.Session()
    answers = [session.get(f"{cluster.proxy_url}/calls/", timeout=15) for _ in range(6)]
    served = Counter(a.headers.get("X-Served-By", "?") for a in answers)
    report.expect(
        set(served) == {"a", "b"} and all(a.status_code == 200 for a in answers),
        f"database back: b rejoins the rotation ({dict(served)})",
    )


def _without_database(cluster: Cluster, report: Report) -> None:
    started = time.monotonic()
    answer = requests.get(f"{cluster.web_url('b')}/readyz", timeout=10)
    elapsed = time.monotonic() - started
    body = _json(answer)
    report.expect(
        answer.status_code == 503 and body.get("checks", {}).get("database") not in (None, "ok"),
        f"instance b's /readyz answers {answer.status_code} in {elapsed:.1f} s without its "
        f"database: {body}",
    )
    cluster.wait_proxy_states({"b": "DOWN"}, timeout=15)
    report.ok(f"HAProxy took b out of the rotation after {time.monotonic() - started:.1f} s")
    session = requests.Session()
    answers = [session.get(f"{cluster.proxy_url}/calls/", timeout=15) for _ in range(20)]
    served = Counter(a.headers.get("X-Served-By", "?") for a in answers)
    statuses = Counter(a.status_code for a in answers)
    report.expect(
        served == Counter({"a": 20}) and statuses == Counter({200: 20}),
        f"20 requests through the proxy all land on a and succeed ({dict(served)}, "
        f"{dict(statuses)})",
    )


def _json(response: requests.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {"body": response.text[:200]}


class Load:
    """``concurrency`` threads sending GETs through the proxy until stopped; every outcome is
    kept with its start and end time."""

    def __init__(self, url: str, concurrency: int) -> None:
        self.url = url
        self.concurrency = concurrency
        self.stopping = threading.Event()
        self.results: list[tuple[float, float, str, str]] = []  # start, end, outcome, server
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(concurrency)]

    def _run(self, index: int) -> None:
        session = requests.Session()
        n = index
        while not self.stopping.is_set():
            path = LOAD_PATHS[n % len(LOAD_PATHS)]
            n += 1
            start = time.monotonic()
            try:
                answer = session.get(self.url + path, timeout=20, allow_redirects=False)
                outcome = str(answer.status_code)
                server = answer.headers.get("X-Served-By", "?")
            except requests.RequestException as exc:
                outcome, server = type(exc).__name__, "?"
            with self._lock:
                self.results.append((start, time.monotonic(), outcome, server))

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout=30)


def instance_killed(cluster: Cluster, report: Report, browser: Browser, concurrency: int = 4):
    """SIGKILL instance a's gunicorn (master and workers) under a load of GETs."""
    before_kill = f"Lucía antes del corte {int(time.time())}"
    action, values = browser.form("/account", "/account")
    posted = browser.post(action, {**values, "full_name": before_kill})
    report.expect(posted.status_code == 302, "a form is posted just before the kill")
    with Load(cluster.proxy_url, concurrency) as load:
        time.sleep(3)
        killed_at = time.monotonic()
        cluster.processes.kill("web-a", signal.SIGKILL)
        time.sleep(5)
    ok = [r for r in load.results if r[2].isdigit() and int(r[2]) < 500]
    failed = [r for r in load.results if r not in ok]
    in_flight = [r for r in load.results if r[0] <= killed_at <= r[1]]
    after = Counter(r[3] for r in load.results if r[0] > killed_at + 2)
    report.note(
        f"{len(load.results)} GETs with {concurrency} clients; {len(in_flight)} in flight at the "
        f"kill; outcomes {dict(Counter(r[2] for r in load.results))}"
    )
    report.expect(
        len(failed) <= min(len(in_flight), concurrency),
        f"instance a killed under load: {len(failed)} failed request(s), at most the "
        f"{len(in_flight)} in flight",
        f"failures: {[(round(r[0] - killed_at, 2), r[2]) for r in failed][:10]}",
    )
    report.expect(
        set(after) == {"b"}, f"after the kill every request is served by b ({dict(after)})"
    )
    page = browser.get("/account")
    report.expect(
        page.status_code == 200 and before_kill in page.text,
        "still signed in on b, and the form posted before the kill is stored",
    )
