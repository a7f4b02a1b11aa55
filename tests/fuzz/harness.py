"""The fuzz harness: a seeded world, one logged-in client per persona, isolated requests.

Every request (crawl, baseline or hostile) runs inside a savepoint that is rolled back
afterwards, and the persona's cookies are put back as they were: each request meets the same
database and the same session, whatever the previous one did (an accepted form, a log-out, a
deactivated account). So the state a form needs (a draft, an open call) survives all the
hostile values sent to it, and "did this refused request change anything?" is answered against
one fingerprint of the world taken once.

A request fails the fuzz test when it
- answers 5xx or raises: the exception is recorded (type, message, innermost frame under
  portal/) whether the app propagates it or logs it and renders its 500 page;
- is refused (4xx; a redirect carrying a "danger" flash; a 200 that shows form
  errors, or any 200 where the form's baseline was a redirect) and yet changed a table that
  is not allowed for its endpoint in ``policy.ALLOWED_WRITES``.
"""

from __future__ import annotations

import io
import logging
import os
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.core.db import db
from tests.fuzz import policy
from tests.fuzz.values import shown
from tests.support.db_changes import WriteWatcher, differences, fingerprint

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz"
SUMMARY = "fuzz summary:"
# A 200 answer to a POST is a refusal when it shows form errors; a redirect is one when it
# flashes an error ("warning" is not: the portal also uses it for accepted saves, e.g. an
# eligibility answer that makes the applicant ineligible).
ERROR_MARKERS = (b"is-invalid", b"invalid-feedback", b"alert-danger")
REFUSING_FLASHES = {"danger", "error"}


@dataclass
class Outcome:
    status: int | None  # None: the request raised
    location: str = ""
    refused: bool = False
    error: str = ""  # "ExceptionType: message @ portal/file.py:123 in func"
    trace: str = ""  # the whole traceback
    changed: dict = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    flashes: list = field(default_factory=list)  # (category, message) left for the next page
    reads: set = field(default_factory=set)  # request.args/form keys the app looked up

    @property
    def redirected(self) -> bool:
        return self.status is not None and 300 <= self.status < 400

    @property
    def server_error(self) -> bool:
        return self.status is None or self.status >= 500


@dataclass
class Failure:
    kind: str  # "server error" or "refused but changed"
    persona: str
    method: str
    url: str
    endpoint: str
    target: str  # "field title_es", "query q", "path code", "baseline", "crawl"
    label: str  # the hostile value's label
    value: str  # its repr
    status: str
    detail: str  # exception or changed tables
    payload: str = ""  # the whole request body, abbreviated, to reproduce it
    trace: str = ""

    @property
    def cause(self) -> tuple:
        if self.kind == "server error":
            return (self.kind, self.detail)
        return (self.kind, self.endpoint, self.detail)

    def line(self) -> str:
        value = f" = {self.value} ({self.label})" if self.label else ""
        return (
            f"{self.persona} {self.method} {self.url} [{self.endpoint}] {self.target}{value}"
            f" -> {self.status}"
        )


def describe_exception(exc: BaseException) -> str:
    """``Type: first line of the message @ portal/file.py:line in function`` (the innermost
    frame under portal/), e.g. ``DataError: (psycopg.DataError) PostgreSQL text fields cannot
    contain NUL (0x00) bytes @ portal/calls/views.py:32 in load_call``."""
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    # SQLAlchemy puts "(raised as a result of Query-invoked autoflush...)" first.
    lines = [line for line in lines if not line.startswith("(raised as a result of")] or lines
    message = lines[0] if lines else ""
    if len(message) > 160:
        message = message[:157] + "..."
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = frame.filename.replace(os.sep, "/")
        if "/portal/" in path:
            where = f" @ portal/{path.split('/portal/', 1)[1]}:{frame.lineno} in {frame.name}"
            break
    return f"{type(exc).__name__}: {message}{where}"


def _trace(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


class _ExceptionTrap(logging.Filter):
    """Keeps the last exception the app logged (its 500 handler logs before rendering) and
    drops that record: the failure report names it, and the artifact keeps its traceback,
    instead of hundreds of tracebacks in the captured log."""

    def __init__(self) -> None:
        super().__init__()
        self.caught: BaseException | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info and record.exc_info[1]:
            self.caught = record.exc_info[1]
            return False
        return True


class _Reads:
    """The keys looked up in request.args / request.form during the current request."""

    keys: set[str] | None = None


class _RecordingMultiDict(ImmutableMultiDict):
    def _note(self, key) -> None:
        if _Reads.keys is not None and isinstance(key, str):
            _Reads.keys.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)


class World:
    """The seeded database (one outer transaction), the personas' clients and the counters."""

    def __init__(self, app, connection, metadata) -> None:
        self.app = app
        self.connection = connection
        self.metadata = metadata
        self.adapter = app.url_map.bind("localhost")
        self.clients: dict[str, object] = {}
        self.cookies: dict[str, dict] = {}
        self.baseline_prints: dict = {}
        self.watcher = WriteWatcher(connection.engine)
        self.trap = _ExceptionTrap()
        self.failures: list[Failure] = []
        self.requests = Counter()  # by stage
        self.seconds: dict[str, float] = defaultdict(float)  # by stage
        self.fingerprints = 0
        self.log: list[str] = []  # the coverage report's lines
        self.job_lines: list[str] = []
        self.discoveries: dict = {}
        self.jobs: list = []
        self.hints: dict = {}
        self._request_class = None

    # Set-up ------------------------------------------------------------------------------
    def __enter__(self) -> World:
        """Watch writes, trap logged exceptions, record the request keys the app reads."""
        self.watcher.__enter__()
        self.app.logger.addFilter(self.trap)
        self._request_class = self.app.request_class
        self.app.request_class = type(
            "RecordingRequest",
            (self._request_class,),
            {"parameter_storage_class": _RecordingMultiDict},
        )
        return self

    def __exit__(self, *exc) -> None:
        self.app.request_class = self._request_class
        self.app.logger.removeFilter(self.trap)
        self.watcher.__exit__(*exc)

    def add_client(self, persona: str, client) -> None:
        self.clients[persona] = client
        self.cookies[persona] = dict(client._cookies)
        assert "csrf_token" in self._session(client), f"{persona}: no CSRF secret in the session"

    def freeze(self) -> None:
        """The state every request will start from: fingerprint it once."""
        self.baseline_prints = fingerprint(self.connection, self.metadata)

    # Routing -------------------------------------------------------------------------------
    def endpoint(self, url: str, method: str = "GET") -> tuple[str | None, dict]:
        try:
            return self.adapter.match(urlsplit(url).path, method=method)
        except RequestRedirect as redirect:
            return self.endpoint(urlsplit(redirect.new_url).path, method)
        except (NotFound, MethodNotAllowed):
            return None, {}

    # Requests ------------------------------------------------------------------------------
    def send(
        self,
        persona: str,
        method: str,
        url: str,
        *,
        pairs: list | None = None,
        files: dict | None = None,
        endpoint: str,
        stage: str,
        target: str = "",
        label: str = "",
        value=None,
        baseline_redirected: bool = False,
    ) -> Outcome:
        client = self.clients[persona]
        kwargs = _body(method, pairs, files)
        started = time.perf_counter()
        self.requests[stage] += 1
        savepoint = self.connection.begin_nested()
        self.watcher.reset()
        self.trap.caught = None
        outcome = Outcome(status=None)
        _Reads.keys = outcome.reads
        try:
            try:
                response = client.open(url, method=method, **kwargs)
            except Exception as exc:  # an app that propagates unhandled exceptions
                outcome.error, outcome.trace = describe_exception(exc), _trace(exc)
            else:
                outcome.status = response.status_code
                outcome.location = response.headers.get("Location", "")
                outcome.content_type = response.content_type or ""
                outcome.body = response.get_data()
                response.close()  # a streamed download keeps its file open until closed
                outcome.refused = self._refused(client, method, outcome, baseline_redirected)
                if outcome.server_error and self.trap.caught is not None:
                    caught = self.trap.caught
                    outcome.error, outcome.trace = describe_exception(caught), _trace(caught)
            _Reads.keys = None
            db.session.remove()
            allowed = policy.allowed_tables(endpoint)
            written = self.watcher.tables - allowed
            if written and (outcome.refused or outcome.server_error):
                self.fingerprints += 1
                after = fingerprint(self.connection, self.metadata, written)
                changed = differences(self.baseline_prints, after)
                outcome.changed = {t: d for t, d in changed.items() if t not in allowed}
        finally:
            _Reads.keys = None
            db.session.remove()
            if savepoint.is_active:
                name = savepoint._savepoint
                savepoint.rollback()
                # ROLLBACK TO keeps the savepoint established: without the RELEASE every next
                # request nests one level deeper, and PostgreSQL keeps the transaction-id lock
                # of every level that wrote until the world's transaction ends (about 4,000 per
                # worker at 1,400 requests: "out of shared memory" with two workers).
                self.connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")
            client._cookies.clear()
            client._cookies.update(self.cookies[persona])
            self.seconds[stage] += time.perf_counter() - started
        self._judge(persona, method, url, endpoint, stage, target, label, value, outcome, pairs)
        return outcome

    def _refused(self, client, method, outcome, baseline_redirected) -> bool:
        if outcome.status >= 400:
            return True
        if method == "GET":
            return False
        if outcome.redirected:
            outcome.flashes = self._flashes(client)
            return bool({category for category, _ in outcome.flashes} & REFUSING_FLASHES)
        if outcome.status == 200:
            return baseline_redirected or any(m in outcome.body for m in ERROR_MARKERS)
        return False

    def _flashes(self, client) -> list:
        """The flashed messages the response stored in the (signed, readable) session cookie."""
        return [tuple(item) for item in self._session(client).get("_flashes", [])]

    def _session(self, client) -> dict:
        cookie = client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return {}
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            return serializer.loads(cookie.value)
        except Exception:
            return {}

    def _judge(self, persona, method, url, endpoint, stage, target, label, value, outcome, pairs):
        common = dict(
            persona=persona,
            method=method,
            url=_short_url(url),
            endpoint=endpoint,
            target=target or stage,
            label=label,
            value=shown(value) if value is not None else "",
            payload=_payload(pairs),
        )
        if outcome.server_error:
            self.failures.append(
                Failure(
                    kind="server error",
                    status=str(outcome.status or "exception"),
                    detail=outcome.error or f"HTTP {outcome.status} (nothing logged)",
                    trace=outcome.trace,
                    **common,
                )
            )
        if outcome.changed:
            self.failures.append(
                Failure(
                    kind="refused but changed",
                    status=str(outcome.status),
                    detail=", ".join(f"{t}: {d}" for t, d in outcome.changed.items()),
                    **common,
                )
            )

    # Reporting -----------------------------------------------------------------------------
    def report(self) -> list[str]:
        """The coverage report of this world: what was fuzzed, how many requests, failures."""
        total = sum(self.requests.values())
        stages = ", ".join(
            f"{k} {self.requests[k]} in {self.seconds[k]:.1f} s" for k in sorted(self.requests)
        )
        errors = sum(f.kind == "server error" for f in self.failures)
        forms = sum(line.startswith("form ") for line in self.job_lines)
        queries = sum(line.startswith("query ") for line in self.job_lines)
        lines = [
            f"{SUMMARY} {total} requests, {errors} server errors,"
            f" {len(self.failures) - errors} refused-but-changed; {forms} forms and"
            f" {queries} query strings fuzzed",
            *self.log,
            "",
            f"{total} requests ({stages});",
            f"{self.fingerprints} fingerprints after refused requests that wrote",
        ]
        lines += ["", "## Jobs run (kind, persona, endpoint, what, baseline)"]
        lines += sorted(self.job_lines)
        lines += ["", "## Every failing request"]
        traced = set()
        for failure in self.failures:
            lines.append(f"{failure.kind}: {failure.line()}")
            lines.append(f"    {failure.detail}")
            if failure.payload:
                lines.append(f"    body: {failure.payload[:600]}")
            if failure.trace and failure.cause not in traced:  # once per cause
                traced.add(failure.cause)
                lines += [f"    | {line}" for line in failure.trace.rstrip().splitlines()]
        return lines


def _body(method: str, pairs, files) -> dict:
    if method == "GET":
        return {}
    if files is None:
        return {
            "data": urlencode(pairs or []).encode("ascii"),
            "content_type": "application/x-www-form-urlencoded",
        }
    data = MultiDict()
    for name, item in pairs or []:
        if isinstance(item, bytes):  # a multipart part whose bytes are not UTF-8
            item = FileStorage(io.BytesIO(item), content_type="text/plain")
        data.add(name, item)
    for name, (content, filename) in files.items():
        data.add(name, FileStorage(io.BytesIO(content), filename, content_type="application/pdf"))
    return {"data": data, "content_type": "multipart/form-data"}


def _short_url(url: str) -> str:
    return url if len(url) <= 140 else f"{url[:100]}...{url[-20:]} ({len(url)} chars)"


def _payload(pairs) -> str:
    if not pairs:
        return ""
    return "&".join(f"{k}={shown(v)}" for k, v in pairs if not k.endswith("csrf_token"))


def failure_report(failures: list[Failure], limit: int = 150) -> str:
    """Failures grouped by cause, every request named (up to ``limit`` lines)."""
    groups: dict[tuple, list[Failure]] = {}
    for failure in failures:
        groups.setdefault(failure.cause, []).append(failure)
    lines = [f"{len(failures)} failing request(s), {len(groups)} distinct cause(s):"]
    listed = 0
    for cause, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append("")
        lines.append(f"[{cause[0]}] {' | '.join(cause[1:])}  ({len(members)} request(s))")
        for failure in members:
            if listed >= limit:
                break
            lines.append(f"    {failure.line()}")
            listed += 1
    if listed < len(failures):
        lines.append(f"... and {len(failures) - listed} more: {artifact_path()}")
    return "\n".join(lines)


_WRITTEN: set[Path] = set()


def artifact_path() -> Path:
    return ARTIFACTS / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.txt"


def write_artifact(lines: list[str]) -> Path:
    """This worker's report: the first world of the run replaces the file, later ones (a
    module set up again on the same worker) are appended."""
    path = artifact_path()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mode = "a" if path in _WRITTEN else "w"
    _WRITTEN.add(path)
    with path.open(mode, encoding="utf-8") as out:
        header = f"# Fuzz coverage ({path.stem}, {time.strftime('%Y-%m-%d %H:%M:%S')})"
        out.write("\n".join([header, *lines]) + "\n\n")
    return path


class Stopwatch:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s"
