"""Discovery: what a persona can reach, found like a browser would, plus the URL map.

Breadth-first from the home page and the dashboard over same-origin links (and GET forms
submitted with their defaults, and redirects), at most ``PER_ENDPOINT`` URLs per endpoint and
``BUDGET`` pages per persona. When the links run out, every GET rule of ``app.url_map`` whose
arguments were all seen in some URL (``code``, ``application_id``...) is requested too, and the
walk goes on from there. Every page is parsed for its forms; nothing is ever posted here.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.routing import BuildError

from tests.fuzz import policy
from tests.fuzz.pages import FormSpec, parse

# An endpoint's pages are fetched while they keep showing something new (a form or a link to an
# endpoint not met before): objects in other states show other forms. At most BORING pages per
# endpoint that showed nothing new, PER_ENDPOINT pages in all, BUDGET pages per persona.
BORING = 2
PER_ENDPOINT = 8
BUDGET = 300


@dataclass
class FoundForm:
    spec: FormSpec
    endpoint: str
    view_args: dict
    seen: int = 1  # how many pages showed an equivalent form


@dataclass
class Discovery:
    persona: str
    forms: dict[tuple, FoundForm] = field(default_factory=dict)  # by form_key
    pages: dict[str, list[str]] = field(default_factory=dict)  # endpoint -> fetched 2xx URLs
    html: set[str] = field(default_factory=set)  # endpoints that answered HTML
    params: dict[str, set[str]] = field(default_factory=dict)  # endpoint -> query params seen
    get_forms: dict[str, FormSpec] = field(default_factory=dict)  # endpoint -> its GET form
    unfetched: dict[str, str] = field(default_factory=dict)  # endpoint -> URL (not fetched)
    unroutable: set[str] = field(default_factory=set)  # form actions matching no rule
    fetched: int = 0
    statuses: dict[str, list] = field(default_factory=dict)  # endpoint -> statuses met
    reads: dict[str, set[str]] = field(default_factory=dict)  # endpoint -> request keys read

    def summary(self) -> str:
        """``endpoint: statuses`` of every page requested, for the coverage report."""
        return ", ".join(
            f"{endpoint} {'/'.join(str(s) for s in sorted(set(codes), key=str))}"
            for endpoint, codes in sorted(self.statuses.items())
        )


def form_key(method: str, endpoint: str, spec: FormSpec) -> tuple:
    return (method, endpoint, tuple(sorted({f.group for f in spec.fields})))


def discover(world, persona: str, hints=()) -> Discovery:
    """What ``persona`` reaches, starting from ``hints`` (pages of objects in a state that
    shows a form, see world_extras.py), the home page and the dashboard."""
    found = Discovery(persona)
    queue: deque[str] = deque(dict.fromkeys([*hints, "/", "/dashboard"]))
    queued: set[str] = set(queue)
    observed: dict[str, list] = {}  # URL argument name -> values seen, in order
    per_endpoint: dict[str, int] = {}
    boring: dict[str, int] = {}
    known: set = set()  # form keys and linked endpoints met so far

    def enqueue(url: str | None) -> None:
        url = _without_ignored(url)
        if url and url not in queued:
            queued.add(url)
            queue.append(url)

    def from_rules() -> None:
        """URLs of GET rules not reached yet, built from argument values seen so far."""
        for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
            endpoint = rule.endpoint
            if "GET" not in rule.methods or per_endpoint.get(endpoint) or _skipped(endpoint):
                continue
            if endpoint in found.unfetched:
                continue
            names = sorted(rule.arguments)
            choices = [observed.get(name, [])[:1] for name in names]
            if any(not c for c in choices):
                continue
            for combo in itertools.islice(itertools.product(*choices), 1):
                try:
                    url = world.adapter.build(endpoint, dict(zip(names, combo, strict=True)))
                except (BuildError, ValueError):  # a value its converter refuses
                    continue
                enqueue(url)

    while True:
        while queue and found.fetched < BUDGET:
            url = queue.popleft()
            endpoint, args = world.endpoint(url)
            if endpoint is None or _skipped(endpoint):
                continue
            for name, value in args.items():
                observed.setdefault(name, [])
                if value not in observed[name]:
                    observed[name].append(value)
            query = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
            found.params.setdefault(endpoint, set()).update(query)
            if endpoint in policy.NO_FETCH:
                found.unfetched.setdefault(endpoint, url)
                continue
            if per_endpoint.get(endpoint, 0) >= PER_ENDPOINT or boring.get(endpoint, 0) >= BORING:
                continue
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            outcome = world.send(persona, "GET", url, endpoint=endpoint, stage="crawl")
            found.fetched += 1
            found.statuses.setdefault(endpoint, []).append(outcome.status)
            found.reads.setdefault(endpoint, set()).update(outcome.reads)
            if outcome.redirected:
                location = urlsplit(outcome.location)
                if location.netloc in ("", "localhost"):
                    enqueue(location.path + (f"?{location.query}" if location.query else ""))
                continue
            if outcome.status is None or not 200 <= outcome.status < 300:
                continue
            found.pages.setdefault(endpoint, []).append(url)
            if "html" not in outcome.content_type:
                boring[endpoint] = boring.get(endpoint, 0) + 1
                continue
            found.html.add(endpoint)
            links, forms = parse(url, outcome.body)
            news = len(known)
            for link in links:
                enqueue(link)
                known.add(world.endpoint(link)[0])
            for spec in forms:
                known.add(_record_form(world, found, spec, enqueue))
            if len(known) == news:
                boring[endpoint] = boring.get(endpoint, 0) + 1
        if found.fetched >= BUDGET:
            break
        before = len(queue)
        from_rules()
        if len(queue) == before:
            break
    return found


def _record_form(world, found: Discovery, spec: FormSpec, enqueue) -> None:
    endpoint, args = world.endpoint(spec.action, spec.method)
    if endpoint is None:
        found.unroutable.add(f"{spec.method} {spec.action}")
        return None
    if spec.method == "GET":
        names = {f.name for f in spec.fields if f.kind != "submit"}
        found.params.setdefault(endpoint, set()).update(names)
        found.get_forms.setdefault(endpoint, spec)
        defaults = [(f.name, v) for f in spec.fields if f.kind != "submit" for v in f.defaults]
        path = urlsplit(spec.action).path
        enqueue(path + (f"?{urlencode(defaults)}" if defaults else ""))
        return ("GET form", endpoint)
    key = form_key(spec.method, endpoint, spec)
    if key in found.forms:
        found.forms[key].seen += 1
    else:
        found.forms[key] = FoundForm(spec, endpoint, args)
    return key


def _without_ignored(url: str | None) -> str | None:
    """``url`` without the query parameters that only switch how a page is shown (``lang``)."""
    if not url or "?" not in url:
        return url
    path, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)]
    kept = [(k, v) for k, v in kept if k not in policy.CRAWL_IGNORED_PARAMS]
    return path + (f"?{urlencode(kept)}" if kept else "")


def _skipped(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.startswith("api.")
