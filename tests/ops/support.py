"""Helpers of the operations tests."""

from __future__ import annotations

import socket


def closed_port() -> int:
    """A local port of 7101–7199 where nothing answers (found by connecting, never binding)."""
    for port in range(7199, 7100, -1):
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed port between 7101 and 7199")
