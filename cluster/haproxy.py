"""The HAProxy configuration of the cluster test (README: "Two instances behind a proxy").

Round robin over the web instances; each is checked with ``GET /readyz`` every half second and
taken out after two failures (back after two successes). A request whose server refused the
connection or closed it without answering is retried on another server (``option redispatch``);
only GET and HEAD get the layer-7 retries, so a POST is never sent twice. The proxy stamps
``X-Request-Start`` (the portal's REQUEST_START_HEADER) and an ``X-Request-ID`` when the client
sent none, and names the server that answered in ``X-Served-By`` (the test uses it to see
requests alternate; an operator may drop it).
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
global
    log stdout format raw local0
    maxconn 512
    stats socket {stats_socket} mode 600 level admin

defaults
    mode http
    log global
    option httplog
    option forwardfor
    option http-server-close
    timeout connect 2s
    timeout client 30s
    timeout server 60s
    timeout check 2s
    timeout queue 10s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend portal
    bind 127.0.0.1:{port}
    # Bodies through the portal are capped at 30 MiB (MAX_CONTENT_LENGTH): refused here first.
    http-request deny deny_status 413 if {{ req.hdr_val(content-length) gt 31457280 }}
    unique-id-format %[uuid()]
    http-request set-header X-Request-ID %[unique-id] unless {{ req.hdr(X-Request-ID) -m found }}
    http-request set-header X-Request-Start t=%Ts.%ms
    http-request disable-l7-retry unless METH_GET
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2
    default-server on-marked-down shutdown-sessions
    http-response set-header X-Served-By %s
{servers}
"""


def write_config(directory: Path, port: int, instances: dict[str, int]) -> Path:
    """Write ``haproxy.cfg`` for ``instances`` (name -> port on 127.0.0.1); return its path."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{instance_port} check"
        for name, instance_port in instances.items()
    )
    path = directory / "haproxy.cfg"
    path.write_text(
        TEMPLATE.format(port=port, servers=servers, stats_socket=directory / "haproxy.sock")
    )
    return path
