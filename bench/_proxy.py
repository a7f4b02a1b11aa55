"""Several gunicorn instances of one app behind HAProxy, for ``python -m bench pages
--instances N``: the instances listen on ``port + 11 ... port + 10 + N``, HAProxy on ``port``
with the configuration of the cluster test (round robin, health check on /readyz;
cluster/haproxy.py), so the load tool is pointed at the same address whatever N is."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import _serve
from cluster.haproxy import write_config


@contextmanager
def served(app: str, port: int, env: dict[str, str], log: Path, instances: int = 1):
    """One instance straight on ``port`` (``_serve.served``), or ``instances`` behind HAProxy."""
    if instances <= 1:
        with _serve.served(app, port, env, log) as process:
            yield process
        return
    if shutil.which("haproxy") is None:
        raise RuntimeError("--instances needs HAProxy: apt-get install haproxy")
    ports = {f"web{n}": port + 10 + n for n in range(1, instances + 1)}  # clear of the hello
    with ExitStack() as stack:
        for instance_port in ports.values():
            stack.enter_context(_serve.served(app, instance_port, env, log))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-proxy-")))
        config = write_config(folder, port, ports)
        with log.open("ab") as out:
            proxy = subprocess.Popen(
                ["haproxy", "-db", "-f", str(config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _serve.wait_for_port(port, proxy)
            _wait_all_up(folder / "haproxy.sock", len(ports))
            yield proxy
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)


def _wait_all_up(socket_path: Path, count: int, timeout: float = 60) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(socket_path))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = [line.split(",") for line in data.decode().splitlines()]
        up = [r for r in rows if len(r) > 17 and r[0] == "web" and r[1].startswith("web")]
        if len(up) == count and all(r[17] == "UP" for r in up):
            return
        time.sleep(0.2)
    raise RuntimeError(f"HAProxy does not see {count} instances up after {timeout:.0f} s")
