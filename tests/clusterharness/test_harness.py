"""The pure parts of ``python -m cluster`` (``make test-cluster``, which itself runs the whole
cluster and is not part of this suite): the HAProxy configuration it writes is valid and says
what the README says, the database relay cuts and restores connections, the page links it
follows stay on the portal, and the children's descendants are found for the final clean-up."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading

import pytest

from cluster import checks_web, processes
from cluster.haproxy import write_config
from cluster.relay import Relay
from tests.support.net import free_port


def test_haproxy_config(tmp_path):
    path = write_config(tmp_path, 7300, {"a": 7301, "b": 7302})
    text = path.read_text()
    for line in (
        "bind 127.0.0.1:7300",
        "balance roundrobin",
        "option httpchk GET /readyz",
        "option redispatch 1",
        "http-request disable-l7-retry unless METH_GET",
        "http-request set-header X-Request-Start t=%Ts.%ms",
        "server a 127.0.0.1:7301 check",
        "server b 127.0.0.1:7302 check",
    ):
        assert line in text
    if shutil.which("haproxy") is None:
        pytest.skip("haproxy is not installed: the syntax check needs it")
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _echo_server() -> tuple[socket.socket, int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=_echo, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def _echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(1024):
            conn.sendall(data)


def test_relay_cuts_and_restores_connections():
    server, target = _echo_server()
    port = free_port()
    relay = Relay(port, "127.0.0.1", target)
    try:
        relay.start()
        held = socket.create_connection(("127.0.0.1", port), timeout=5)
        held.sendall(b"hola")
        assert held.recv(4) == b"hola"
        relay.stop()
        assert held.recv(4) == b""  # the open connection is closed, like a lost database
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2)
        relay.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as again:
            again.sendall(b"otra vez")
            assert again.recv(8) == b"otra vez"
        held.close()
    finally:
        relay.shutdown()
        server.close()


class _Page:
    url = "http://127.0.0.1:7300/dashboard"
    text = """<html><body>
        <a href="/calls/">calls</a> <a href="/logout">out</a>
        <a href="https://example.org/x">away</a> <a href="mailto:a@b.example">mail</a>
        <a href="/documents/12/download">file</a> <a href="/account?lang=en">en</a>
        <a href="http://127.0.0.1:7300/awards/3">award</a>
    </body></html>"""


def test_links_followed_stay_on_the_portal_and_change_nothing():
    assert checks_web._links(_Page()) == ["/calls/", "/awards/3"]


def test_descendants_include_grandchildren():
    code = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); time.sleep(30)"  # noqa: E501
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        for _ in range(50):
            found = processes._descendants(parent.pid)
            if found:
                break
            threading.Event().wait(0.1)
        assert len(found) == 1
    finally:
        for pid in processes._descendants(parent.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        parent.kill()
        parent.wait()
