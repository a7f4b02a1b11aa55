"""Metrics across processes (issue 19): with PROMETHEUS_MULTIPROC_DIR, counts made by several
processes (gunicorn's workers) add up in one scrape. prometheus-client reads the variable when
it is imported, so each process here is a fresh interpreter."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.ops.support import closed_port
from tests.ops.test_metrics import sample

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "multiprocess-metrics-token"
PYTHON = sys.executable
REQUESTS = """
from portal import create_app
app = create_app("testing", {"DATABASE_URL": "sqlite://", "METRICS_TOKEN": "%s"})
web = app.test_client()
for _ in range(%d):
    assert web.get("/healthz").status_code == 200
if %r:
    print(web.get("/metrics", headers={"Authorization": "Bearer %s"}).get_data(as_text=True))
"""


def run(env: dict, count: int, scrape: bool = False) -> str:
    code = REQUESTS % (TOKEN, count, scrape, TOKEN)
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PROMETHEUS"))}
    env.update(PORTAL_ENV="testing", PYTHONPATH=str(ROOT), **extra)
    return env


def test_counts_of_several_processes_add_up(tmp_path):
    env = child_env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    run(env, 3)
    text = run(env, 4, scrape=True)  # another process: its own 4 and the first one's 3
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert sample(text, "cofinancia_http_requests_total", **labels) == 7
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process


def test_gunicorn_workers_report_together(tmp_path):
    """gunicorn with config/gunicorn.py: two workers, one total; no access log lines."""
    port = closed_port()
    env = child_env(
        METRICS_TOKEN=TOKEN,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        probes = _wait_until_up(port, server)
        for _ in range(20):
            assert get(port, "/healthz")[0] == 200
        status, text = get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200
        labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
        # Every probe made while waiting may have been answered after the client gave up.
        assert 21 <= sample(text, "cofinancia_http_requests_total", **labels) <= 20 + probes
        # Whichever worker answered (the kernel chooses), its counts are under the master's
        # folder and in the total; the sum over processes is shown by the test above.
        assert list(metrics_dir(server.pid).glob("counter_*.db"))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    assert "GET /healthz" not in output  # no access log: the portal logs requests itself
    assert not metrics_dir(server.pid).exists()  # removed at exit


def metrics_dir(pid: int) -> Path:
    return Path(tempfile.gettempdir()) / f"cofinancia-metrics-{pid}"


def get(port: int, path: str, headers: dict | None = None, timeout: float = 10):
    """One request on a new connection (so gunicorn may hand it to either worker)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _wait_until_up(port: int, server) -> int:
    """Wait for an answer; returns how many /healthz requests were tried meanwhile."""
    deadline, tried = time.monotonic() + 60, 0
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        tried += 1
        try:
            get(port, "/healthz", timeout=2)
            return tried
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 s")
