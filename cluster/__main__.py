"""``python -m cluster`` (``make test-cluster``): two web instances behind HAProxy, one RQ
worker and the scheduler, on PostgreSQL, Redis and moto's S3 server; checks through the proxy.

Environment: ``CLUSTER_REDIS_URL`` (default redis://127.0.0.1:6379/14; the database is emptied
at the start and the end), ``CLUSTER_BASE_PORT`` (default 7300: proxy, +1 and +2 the web
instances, +3 S3, +4 the database relay of instance b), ``CLUSTER_KEEP=1`` keeps the temporary
folder (logs, haproxy.cfg). Exits 1 on any failed check, printing the end of every log.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from cluster import checks_failover, checks_jobs, checks_web
from cluster.browser import Browser
from cluster.report import Report
from cluster.stack import Cluster, Ports


def per_account_limit() -> int:
    """The first amount of LOGIN_LIMIT_PER_ACCOUNT_AND_IP ("5 per minute; ..." -> 5)."""
    from limits import parse_many

    from config import BaseConfig

    raw = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_AND_IP", BaseConfig.LOGIN_LIMIT_PER_ACCOUNT_AND_IP
    )
    return min(item.amount for item in parse_many(raw))


def run_checks(cluster: Cluster, report: Report) -> None:
    applicant = Browser(cluster.proxy_url)
    with report.check("browsing both instances as one person"):
        checks_web.browse(cluster, report, applicant)
        checks_web.csrf_and_language(cluster, report, applicant)
    with report.check("the sign-in throttle is shared"):
        checks_web.login_throttle(cluster, report, per_account_limit())
    with report.check("agreement rendered once by the worker"):
        checks_jobs.agreement_rendered_once(cluster, report)
    with report.check("presigned upload to S3, finalized"):
        checks_web.presigned_upload(cluster, report, applicant, checks_web.minimal_pdf())
    with report.check("two scheduler ticks at once"):
        checks_jobs.scheduler_once(cluster, report)
    with report.check("an instance without its database leaves the rotation"):
        checks_failover.database_lost(cluster, report)
    with report.check("an instance killed under load"):
        checks_failover.instance_killed(cluster, report, applicant)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # a CI timeout's SIGTERM still takes every child down


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="cofinancia-cluster-"))
    cluster = Cluster(
        work=work,
        ports=Ports(int(os.environ.get("CLUSTER_BASE_PORT", "7300"))),
        redis_url=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14"),
    )
    report.note(f"work folder {work}; database {cluster.database}; Redis {cluster.redis_url}")
    try:
        with report.check("starting the cluster"):
            started = time.monotonic()
            cluster.start()
            report.ok(
                f"cluster up in {time.monotonic() - started:.0f} s: HAProxy {cluster.proxy_url} "
                f"-> a {cluster.web_url('a')}, b {cluster.web_url('b')}; RQ worker"
            )
        if not report.failures:
            run_checks(cluster, report)
    except KeyboardInterrupt:
        report.fail("interrupted")
    finally:
        if report.failures:
            cluster.processes.print_tails()
        cluster.stop()
        if os.environ.get("CLUSTER_KEEP") or report.failures:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - report.started
    if report.failures:
        print(f"\n{len(report.failures)} check(s) FAILED in {total:.0f} s:")
        for failure in report.failures:
            print(f"  - {failure.splitlines()[0]}")
        return 1
    print(f"\nall cluster checks passed in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
