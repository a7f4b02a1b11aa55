"""The cluster under test: a scratch PostgreSQL database, moto's S3 server, Redis (one database
number), two gunicorn web instances in production settings, HAProxy in front, one RQ worker
and the scheduler. ``Cluster`` starts them and takes everything down again, even on failure."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from cluster.haproxy import write_config
from cluster.processes import ROOT, Processes, wait_for_port
from cluster.relay import Relay

BIN = Path(sys.executable).parent
BUCKET = "cofinancia-cluster"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


@dataclass
class Ports:
    """Every port of the run, from one base (``CLUSTER_BASE_PORT``, default 7300)."""

    base: int

    @property
    def proxy(self) -> int:
        return self.base

    @property
    def s3(self) -> int:
        return self.base + 3

    @property
    def relay(self) -> int:
        return self.base + 4

    def web(self, name: str) -> int:
        return self.base + {"a": 1, "b": 2}[name]


@dataclass
class Cluster:
    work: Path
    ports: Ports
    redis_url: str
    database: str = field(default_factory=lambda: f"cofinancia_cluster_{os.getpid()}")
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    processes: Processes = field(init=False)
    relay: Relay = field(init=False)

    def __post_init__(self) -> None:
        (self.work / "logs").mkdir(parents=True, exist_ok=True)
        self.processes = Processes(self.work / "logs")
        self.relay = Relay(self.ports.relay, PG["host"], PG["port"])

    # --- addresses ----------------------------------------------------------------------
    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.proxy}"

    def web_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports.web(name)}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.s3}"

    def database_url(self, port: int = PG["port"]) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{self.database}"

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Read the cluster's database directly (the checks count rows)."""
        with psycopg.connect(dbname=self.database, autocommit=True, **PG) as conn:
            return conn.execute(query, params).fetchall()

    # --- environments -------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        """What every portal process shares: secret, database, Redis, S3; production."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PORTAL_", "S3_"))}
        return {
            **base,
            "PORTAL_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url(),
            "REDIS_URL": self.redis_url,
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": self.s3_url,
            "CSP_CONNECT_EXTRA": self.s3_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "BASE_URL": self.proxy_url,
            # Plain http on loopback: the cookies must not be Secure-only.
            "SESSION_COOKIE_SECURE": "false",
            "REMEMBER_COOKIE_SECURE": "false",
            "PREFERRED_URL_SCHEME": "http",
            # One trusted proxy (HAProxy) sets X-Forwarded-For and X-Request-Start.
            "PROXY_FIX_HOPS": "1",
            # The staff personas sign in with a password only (no authenticator in a script).
            "MFA_REQUIRED_ROLES": "",
            # Every sign-in of the run comes from 127.0.0.1: keep the per-address limit out of
            # the way of the per-account one, which is the limit under test.
            "LOGIN_LIMIT_PER_IP": "1000 per minute",
            "LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    # --- start-up -----------------------------------------------------------------------
    def start(self) -> None:
        """Migrate first; the seed then runs while the instances, the worker and the proxy
        boot (the proxy's health checks hold traffic until each instance is ready)."""
        self._check_ports_free()
        self._flush_redis()
        self._start_s3()
        self._create_database()
        self.relay.start()
        for name in ("a", "b"):
            self.start_web(name)
        self._start_proxy()
        self.processes.start(
            "worker",
            self.flask("worker", "--name", f"cluster-{os.getpid()}"),
            self.env(),
        )  # fmt: skip
        # The seed refuses production; the same database, secret and bucket otherwise.
        seed_env = self.env(PORTAL_ENV="development", REDIS_URL="")
        self.processes.run("seed", self.flask("seed"), seed_env, timeout=300)
        for name in ("a", "b"):
            wait_for_port(self.ports.web(name), self.processes.children[f"web-{name}"], 90)
        self.wait_proxy_states({"a": "UP", "b": "UP"}, timeout=60)

    def start_scheduler(self) -> None:
        """Started by the scheduler check, after its two concurrent ticks."""
        self.processes.start("scheduler", self.flask("scheduler", "run"), self.env())

    def flask(self, *args: str) -> list[str]:
        return [str(BIN / "flask"), "--app", "wsgi", *args]

    @staticmethod
    def has_scheduler() -> bool:
        return (ROOT / "portal" / "scheduler").is_dir()

    def _check_ports_free(self) -> None:
        ports = [self.ports.proxy, self.ports.web("a"), self.ports.web("b")]
        for port in [*ports, self.ports.s3, self.ports.relay]:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(
                        f"port {port} is already in use (a previous run left behind, or another "
                        "service): stop it, or move the cluster with CLUSTER_BASE_PORT"
                    )

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def _start_s3(self) -> None:
        env = {**self.env(), "MOTO_PORT": str(self.ports.s3)}
        process = self.processes.start(
            "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports.s3)], env
        )
        wait_for_port(self.ports.s3, process, 30)
        s3_client(self.s3_url).create_bucket(Bucket=BUCKET)

    def _create_database(self) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        # "heads": the same as "head" on a linear history, and also works on a branch whose
        # merged parts each added a migration on the same parent (before they are relinked).
        self.processes.run("migrate", self.flask("db", "upgrade", "heads"), self.env(), 180)

    def start_web(self, name: str) -> subprocess.Popen:
        """Instance b reaches PostgreSQL through the relay, so the test can cut it off."""
        database = self.database_url(self.ports.relay if name == "b" else PG["port"])
        multiproc = self.work / f"prometheus-{name}"
        multiproc.mkdir(exist_ok=True)
        env = self.env(DATABASE_URL=database, PROMETHEUS_MULTIPROC_DIR=str(multiproc))
        command = [str(BIN / "gunicorn")]
        if (ROOT / "config" / "gunicorn.py").exists():
            command += ["-c", "config/gunicorn.py"]
        command += [
            "--bind", f"127.0.0.1:{self.ports.web(name)}",
            "--workers", "2",
            "--timeout", "120",
            "--graceful-timeout", "5",
            "--name", f"cofinancia-{name}",
            "--control-socket", str(self.work / f"gunicorn-{name}.ctl"),
            "wsgi:app",
        ]  # fmt: skip
        return self.processes.start(f"web-{name}", command, env)

    def _start_proxy(self) -> None:
        instances = {name: self.ports.web(name) for name in ("a", "b")}
        config = write_config(self.work, self.ports.proxy, instances)
        self.processes.run("haproxy-check", ["haproxy", "-c", "-f", str(config)], self.env(), 30)
        process = self.processes.start("haproxy", ["haproxy", "-db", "-f", str(config)], self.env())
        wait_for_port(self.ports.proxy, process, 30)

    # --- HAProxy's view -----------------------------------------------------------------
    def proxy_states(self) -> dict[str, str]:
        """Each server's status as HAProxy sees it ("UP", "DOWN", "UP 1/2"...)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.work / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        states = {}
        for line in data.decode().splitlines():
            cells = line.split(",")
            if len(cells) > 17 and cells[0] == "web" and cells[1] not in ("BACKEND", "FRONTEND"):
                states[cells[1]] = cells[17]
        return states

    def wait_proxy_states(self, wanted: dict[str, str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            states = self.proxy_states()
            if all(states.get(k) == v for k, v in wanted.items()):
                return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy sees {states}, expected {wanted} after {timeout:.0f} s")

    def wait_for_worker(self, timeout: float = 90) -> None:
        """Until the queue is empty and no job is running."""
        import redis
        from rq import Queue

        queue = Queue("cofinancia", connection=redis.Redis.from_url(self.redis_url))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if queue.count == 0 and queue.started_job_registry.count == 0:
                return
            time.sleep(0.3)
        raise RuntimeError(f"the worker did not drain the queue in {timeout:.0f} s")

    # --- take-down ----------------------------------------------------------------------
    def stop(self) -> None:
        self.processes.stop_all()
        self.relay.shutdown()
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except psycopg.Error as exc:
            print(f"warning: could not drop {self.database}: {exc}")
        try:
            self._flush_redis()
        except Exception as exc:
            print(f"warning: could not empty {self.redis_url}: {exc}")


def s3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=kwargs.pop("timeout", 10), **kwargs)
