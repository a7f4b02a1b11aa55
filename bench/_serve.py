"""Serve a WSGI app with gunicorn for the page benchmark, the same way for the portal and
the hello world: ``WORKERS`` sync workers on 127.0.0.1, a 300 s worker timeout, access log
off."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def gunicorn_command(app: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        # A 20,000-row XLSX export took 26 s on a loaded machine: no worker killed mid-request.
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


@contextmanager
def served(app: str, port: int, env: dict[str, str], log: Path):
    """Run ``gunicorn app`` on ``port`` with ``env`` added to this environment; stopped (and
    its workers with it) on exit. Its output goes to ``log``."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            gunicorn_command(app, port),
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
