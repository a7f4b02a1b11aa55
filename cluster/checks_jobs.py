"""Checks of the background work: an agreement rendered once by the RQ worker, and two
scheduler ticks at the same moment sending each reminder once."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime

from cluster.browser import Browser
from cluster.processes import ROOT
from cluster.report import Report
from cluster.stack import BUCKET, Cluster, s3_client

MANAGER = "gestor@cofinancia.example"
AWARD_REFERENCE = "CONV-2026-01-0002"  # issued, unsigned: a new version may be issued


def agreement_rendered_once(cluster: Cluster, report: Report) -> None:
    browser = Browser(cluster.proxy_url)
    response = browser.login(MANAGER)
    report.expect(response.status_code == 302, f"{MANAGER} signs in (no second factor here)")
    [(award_id,)] = cluster.sql(
        "SELECT a.id FROM awards a JOIN applications ap ON ap.id = a.application_id "
        "WHERE ap.reference = %s",
        (AWARD_REFERENCE,),
    )
    [(before,)] = cluster.sql("SELECT coalesce(max(id), 0) FROM agreements")
    worker_log = cluster.processes.log("worker")
    renders_before = _completed_renders(worker_log.read_text(errors="replace"))
    issued = browser.submit(f"/awards/{award_id}", {}, f"/awards/{award_id}/issue")
    issue_request = browser.last_request_id
    report.expect(
        issued.status_code == 302,
        f"agreement issued on instance {browser.served_by[-1]} ({issued.status_code})",
    )
    agreement = _wait_rendered(cluster, before)
    if agreement is None:
        report.fail("no agreement PDF after 90 s")
        return
    agreement_id, number, document_id = agreement
    cluster.wait_for_worker()
    entries = cluster.sql(
        "SELECT request_id FROM audit_entries WHERE action = 'agreement.rendered' "
        "AND object_type = 'agreement' AND object_id = %s",
        (str(agreement_id),),
    )
    rendered = len(entries)
    documents = cluster.sql(
        "SELECT d.id, d.storage_key FROM documents d WHERE d.original_name LIKE %s",
        (f"{number}%",),
    )
    renders = _completed_renders(worker_log.read_text(errors="replace")) - renders_before
    report.expect(
        rendered == 1 and len(documents) == 1 and documents[0][0] == document_id,
        f"agreement {number} rendered once: {rendered} 'agreement.rendered' entry, "
        f"{len(documents)} stored PDF",
    )
    # One completed job and one audit entry in all: the worker rendered it, no web instance.
    report.expect(renders == 1, f"the RQ worker completed {renders} render job for it")
    report.expect(
        entries[:1] == [(issue_request,)] and issue_request in worker_log.read_text(),
        "the job ran under the issuing request's X-Request-ID (audit entry and worker log)",
        f"{entries} vs {issue_request}",
    )
    if documents:
        head = s3_client(cluster.s3_url).head_object(Bucket=BUCKET, Key=documents[0][1])
        report.expect(head["ContentLength"] > 1000, f"its PDF is in S3 ({head['ContentLength']} B)")


def _completed_renders(log: str) -> int:
    return sum(
        1 for line in log.splitlines() if "Successfully completed" in line and "render_job" in line
    )


def _wait_rendered(cluster: Cluster, before: int, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = cluster.sql(
            "SELECT id, number, document_id FROM agreements WHERE id > %s ORDER BY id", (before,)
        )
        if rows and rows[-1][2] is not None:
            return rows[-1]
        time.sleep(0.5)
    return None


def scheduler_once(cluster: Cluster, report: Report) -> None:
    """Two ``scheduler tick`` processes at the same moment: each task's period is claimed by
    one of them, and each reminder e-mail is written once. Then the long-running scheduler
    starts (a third contender) and adds nothing for the same periods."""
    if not cluster.has_scheduler():
        report.fail("no scheduler in this tree (portal/scheduler: branch sched not merged)")
        return
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    logs = [cluster.processes.log_dir / f"tick-{n}.log" for n in (1, 2)]
    ticks = []
    for log in logs:
        with log.open("wb") as out:
            ticks.append(
                subprocess.Popen(
                    cluster.flask("scheduler", "tick", "--at", at),
                    cwd=ROOT,
                    env=cluster.env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    codes = [tick.wait(timeout=120) for tick in ticks]
    outputs = [log.read_text(errors="replace") for log in logs]
    report.expect(codes == [0, 0], f"two concurrent ticks at {at} exit cleanly ({codes})")
    enqueued = sum(
        1
        for text in outputs
        for line in text.splitlines()
        if line.startswith("reminders.send") and " enqueued" in line
    )
    report.expect(
        enqueued == 1,
        f"reminders.send enqueued by exactly one of the two ticks ({enqueued})",
        " | ".join(outputs),
    )
    _wait_run_finished(cluster, "reminders.send")
    first = _reminders_per_recipient(cluster)
    twice = [row for row in first if row[1] != 1]
    report.expect(
        bool(first) and not twice,
        f"each reminder e-mail written once: {len(first)} recipients, one message each",
        str(first),
    )
    cluster.start_scheduler()
    cluster.processes.wait_for_log("scheduler", "scheduler started")
    time.sleep(3)  # its first pass, right after that line
    report.expect(
        _reminders_per_recipient(cluster) == first,
        "the running scheduler then sends no reminder again",
    )
    runs = cluster.sql(
        "SELECT task, period_start_dt, count(*) FROM scheduled_runs "
        "GROUP BY task, period_start_dt HAVING count(*) > 1"
    )
    claimed = cluster.sql("SELECT count(*) FROM scheduled_runs")[0][0]
    report.expect(
        not runs, f"{claimed} scheduled runs, each (task, period) claimed once", str(runs)
    )


def _reminders_per_recipient(cluster: Cluster) -> list[tuple]:
    return cluster.sql(
        "SELECT recipient, count(*) FROM outbox_messages WHERE template LIKE %s "
        "GROUP BY recipient ORDER BY recipient",
        ("%reminder%",),
    )


def _wait_run_finished(cluster: Cluster, task: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = cluster.sql("SELECT status, error FROM scheduled_runs WHERE task = %s", (task,))
        if rows and all(status in ("succeeded", "failed") for status, _ in rows):
            if any(status == "failed" for status, _ in rows):
                raise RuntimeError(f"{task} failed: {rows}")
            return
        time.sleep(0.5)
    raise RuntimeError(f"{task} did not finish in {timeout:.0f} s")
