"""``flask --app wsgi scheduler run`` as a real process: it passes at once, then every
SCHEDULER_INTERVAL seconds, and SIGTERM stops it cleanly (exit status 0)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import create_engine, text

from config import ROOT
from portal.scheduler.tasks import TASKS


def test_the_scheduler_runs_until_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    env = {**os.environ, "PORTAL_ENV": "testing", "DATABASE_URL": url, "REDIS_URL": ""}
    env.update({task.setting: "off" for task in TASKS})
    # The testing configuration logs warnings only; the scheduler reports its passes at INFO.
    env.update(SCHEDULE_AUDIT_VERIFY="hourly", SCHEDULER_INTERVAL="5", LOG_LEVEL="INFO")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [*flask, "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 60
        status = None
        while status != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.5)
            with engine.connect() as conn:
                status = conn.scalar(text("SELECT status FROM scheduled_runs"))
        assert status == "succeeded"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        engine.dispose()
    assert process.returncode == 0, output
    assert "scheduler started: a pass every 5 s" in output
    assert "audit.verify" in output and "ran: Audit chain intact" in output
    assert "scheduler stopped" in output
