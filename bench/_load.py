"""Load a URL for a while and report requests per second, p50 and p99: with ``wrk`` when it
is installed, otherwise with a small Python load generator (threads, keep-alive
``http.client`` connections), which is slower than wrk and says so (``Load.tool``)."""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m)$")


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    tool: str


def to_ms(value: str) -> float:
    """A wrk duration ("812.00us", "1.53ms", "2.01s") in milliseconds."""
    match = _DURATION.match(value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Load:
    """The figures of ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError("unexpected wrk output:\n" + output)
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Load(
        float(rps.group(1)),
        to_ms(p50.group(1)),
        to_ms(p99.group(1)),
        int(total.group(1)),
        errors,
        "wrk",
    )


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    duration: float,
    connections: int = 8,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    warmup: float = 2.0,
) -> Load:
    """Load ``url`` for ``warmup`` seconds (discarded), then ``duration`` seconds."""
    if have_wrk():
        return _wrk(url, duration, connections, threads, headers or {}, warmup)
    if warmup:
        _python(url, warmup, connections, headers or {})
        drain(url, headers or {})
    return _python(url, duration, connections, headers or {})  # its threads finish their requests


def drain(url: str, headers: dict[str, str]) -> None:
    """One request after the warm-up: it is answered once the requests the warm-up left
    queued in the server are done, so they do not eat into the measured run."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    conn.getresponse().read()
    conn.close()


def _wrk(url, duration, connections, threads, headers, warmup) -> Load:
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        base += ["-H", f"{name}: {value}"]
    if warmup:
        subprocess.run([*base, f"-d{warmup:g}s", url], capture_output=True, check=True)
        drain(url, headers)
    done = subprocess.run(
        [*base, f"-d{duration:g}s", url], capture_output=True, text=True, check=True
    )
    drain(url, headers)  # nor into whatever is measured next
    return parse_wrk(done.stdout)


def _python(url: str, duration: float, connections: int, headers: dict[str, str]) -> Load:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.perf_counter() + duration

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n] += 1
            except OSError:
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = sorted(x for each in latencies for x in each)
    if not samples:
        return Load(0.0, 0.0, 0.0, 0, sum(errors), "python")
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return Load(
        len(samples) / elapsed,
        statistics.median(samples),
        p99,
        len(samples),
        sum(errors),
        "python (wrk not found)",
    )
