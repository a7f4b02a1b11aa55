"""From what the personas reached to the requests sent: jobs, their baselines, their shards.

A *form job* is one distinct form (method, endpoint, field names with row indexes folded) as
one persona: its baseline is posted, then, for each field, the baseline with that one field
replaced by each hostile value; then the baseline to the action URL with each string path
segment replaced by each hostile value (POST-only rules; a GET and POST rule has its segments
fuzzed by its path job). A *query job* is one GET endpoint: each hostile value in each query
parameter (seen in links and GET forms, looked up by the page while crawled, e.g. ``page``, or
named in the view's source). A *path job* is one GET endpoint with string segments
(``/calls/<code>``). A *csrf job* sends each hostile value as one form's CSRF token.

Several personas often reach the same form (everyone has a profile page; the administrator
sees every staff form): the first persona of ``policy.PERSONAS`` fuzzes it, the others post
its baseline only. ``FUZZ_EVERY_PERSONA=1`` fuzzes every form as every persona instead (about
twice as long).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from werkzeug.routing import PathConverter, UnicodeConverter

from portal.demo.data import DEMO_PASSWORD
from tests.documents.samples import pdf
from tests.fuzz import policy
from tests.fuzz.crawl import Discovery, FoundForm
from tests.fuzz.pages import FieldSpec, FormSpec
from tests.fuzz.values import EXTRAS, HOSTILE, values_for

PLACEHOLDER = "fuzzplaceholder"
PDF = pdf("Fuzz")
_ARGS_READ = re.compile(r"""request\.args(?:\.get|\.getlist)?\s*[\(\[]\s*["'](\w+)["']""")
_CONFIRM = re.compile(r"confirm|accept|agree|declar|consent|acknowledge|certif", re.IGNORECASE)


@dataclass
class Job:
    kind: str  # "form", "query", "path", "csrf"
    persona: str
    endpoint: str
    key: tuple
    url: str
    form: FormSpec | None = None
    rule_args: dict = field(default_factory=dict)
    params: list[str] = field(default_factory=list)
    fuzz_fields: list[FieldSpec] = field(default_factory=list)
    path_args: list[str] = field(default_factory=list)
    full: bool = True  # False: baseline only (another persona fuzzes this form)
    seen: int = 1
    twins: list[Job] = field(default_factory=list)  # same form on sibling endpoints (new/edit)

    @property
    def cost(self) -> int:
        if self.kind == "form":
            if not self.full:
                return 1
            values = sum(len(values_for(f.name, f.kind)) for f in self.fuzz_fields)
            own = 1 + values + len(self.path_args) * len(HOSTILE + EXTRAS)
            return own + sum(twin.cost // 3 for twin in self.twins)
        if self.kind == "query":
            return sum(len(values_for(p)) for p in self.params)
        return len(HOSTILE + EXTRAS) * max(1, len(self.path_args))


def every_persona() -> bool:
    return os.environ.get("FUZZ_EVERY_PERSONA", "") not in ("", "0")


def plan(world, discoveries: dict[str, Discovery]) -> list[Job]:
    """Every job, owned by the first persona (in ``policy.PERSONAS`` order) that reaches it."""
    jobs: list[Job] = []
    owners: dict[tuple, str] = {}
    for persona in policy.PERSONAS:
        found = discoveries[persona]
        for key, item in sorted(found.forms.items()):
            full = every_persona() or key not in owners
            owners.setdefault(key, persona)
            jobs.append(_form_job(world, persona, key, item, full))
        first_form = min(found.forms.items(), default=None)
        if first_form is not None:
            key, item = first_form
            jobs.append(
                Job("csrf", persona, item.endpoint, ("csrf", persona), item.spec.action, item.spec)
            )
        endpoints = sorted(set(found.pages) | set(found.unfetched))
        for endpoint in endpoints:
            url = (found.pages.get(endpoint) or [found.unfetched.get(endpoint)])[0]
            params = sorted(_params(world, found, endpoint))
            query_key = ("query", endpoint)
            if params and (every_persona() or query_key not in owners):
                owners[query_key] = persona
                jobs.append(
                    Job("query", persona, endpoint, query_key, url, found.get_forms.get(endpoint))
                )
                jobs[-1].params = params
            _, args = world.endpoint(url)
            strings = _string_args(world, endpoint)
            path_key = ("path", endpoint)
            if strings and (every_persona() or path_key not in owners):
                owners[path_key] = persona
                job = Job("path", persona, endpoint, path_key, url, rule_args=args)
                job.path_args = strings
                jobs.append(job)
    # A GET and POST rule (``/calls/<code>/edit``) has its segments fuzzed by its GET path
    # job: one view reads them for both methods. POST-only rules get them with the form.
    by_get = {job.endpoint for job in jobs if job.kind == "path"}
    for job in jobs:
        if job.kind == "form" and job.endpoint in by_get:
            job.path_args = []
    return _pair_twins(world, jobs)


def _pair_twins(world, jobs: list[Job]) -> list[Job]:
    """Forms with the same fields on sibling endpoints of one blueprint, as one persona
    (``calls.call_new`` and ``calls.call_edit``: one form class, two operations) run as one
    job: the first is fuzzed in full; a sibling is sent every hostile value its twin did not
    see refused by the field's own validation (plus its baseline and path segments), because
    the same form class refuses it the same way; values that get past validation reach the
    sibling's own operation."""
    groups: dict[tuple, list[Job]] = {}
    for job in jobs:
        if job.kind == "form" and job.full and job.fuzz_fields:
            blueprint = job.endpoint.partition(".")[0]
            groups.setdefault((job.persona, job.key[0], job.key[2], blueprint), []).append(job)
    twins = set()
    for members in groups.values():
        members.sort(key=lambda j: j.endpoint)
        first, others = members[0], members[1:]
        first.twins = others
        twins.update(id(j) for j in others)
    return [job for job in jobs if id(job) not in twins]


def _form_job(world, persona: str, key: tuple, item: FoundForm, full: bool) -> Job:
    groups: dict[str, FieldSpec] = {}
    for spec in item.spec.fields:
        if not spec.name.endswith("csrf_token"):
            groups.setdefault(spec.group, spec)
    job = Job(
        "form",
        persona,
        item.endpoint,
        key,
        item.spec.action,
        item.spec,
        rule_args=item.view_args,
        fuzz_fields=list(groups.values()),
        full=full,
        seen=item.seen,
    )
    job.path_args = _string_args(world, item.endpoint) if full else []
    return job


def _string_args(world, endpoint: str) -> list[str]:
    names = set()
    for rule in world.app.url_map.iter_rules(endpoint):
        for name, converter in rule._converters.items():
            if type(converter) in (UnicodeConverter, PathConverter):
                names.add(name)
    return sorted(names)


def global_params(found: Discovery) -> set[str]:
    """Keys read on (nearly) every page, by the app's own request hooks (``lang``): fuzzed on
    the home page only, since every page reads them through the same code."""
    answered = [reads for endpoint, reads in found.reads.items() if found.pages.get(endpoint)]
    if len(answered) < 5:
        return set()
    keys = set().union(*answered)
    return {k for k in keys if sum(k in reads for reads in answered) >= 0.9 * len(answered)}


def _params(world, found: Discovery, endpoint: str) -> set[str]:
    """Query parameters seen in links and GET forms, and those the page reads (recorded while
    crawling, or named in the view's source): ``page`` wherever a page reads it."""
    params = set(found.params.get(endpoint, set())) | found.reads.get(endpoint, set())
    params |= policy.EXTRA_PARAMS.get(endpoint, frozenset())
    view = world.app.view_functions.get(endpoint)
    if view is not None:
        with contextlib.suppress(OSError, TypeError):
            params |= set(_ARGS_READ.findall(inspect.getsource(inspect.unwrap(view))))
    if endpoint != "dashboard.home":
        params -= global_params(found)
    return params


def shards(jobs: list[Job], count: int) -> list[list[Job]]:
    """Jobs spread over ``count`` shards of similar cost; the same jobs always land in the
    same shard (the order depends only on the keys), whichever worker computes it."""
    loads = [0] * count
    result: list[list[Job]] = [[] for _ in range(count)]
    for job in sorted(jobs, key=lambda j: (-j.cost, j.kind, j.persona, repr(j.key))):
        target = loads.index(min(loads))
        result[target].append(job)
        loads[target] += job.cost
    for bucket in result:
        bucket.sort(key=lambda j: (list(policy.PERSONAS).index(j.persona), j.kind, repr(j.key)))
    return result


# Baselines ---------------------------------------------------------------------------------
def baseline(
    form: FormSpec, endpoint: str, persona: str = "anonymous"
) -> tuple[list[tuple[str, str]], dict | None]:
    """What a person would send: the defaults, with empty fields filled plausibly."""
    overrides = {**policy.BASELINE.get(endpoint, {}), **policy.persona_values(persona)}
    pairs: list[tuple[str, str]] = []
    counter = iter(range(1, 1000))
    files: dict | None = {} if form.enctype == "multipart/form-data" or form.has_files else None
    clicked = False
    for spec in form.fields:
        if spec.disabled:
            continue
        if spec.name in overrides:
            value = overrides[spec.name]
            pairs.extend((spec.name, v) for v in (value if isinstance(value, list) else [value]))
            continue
        if spec.kind == "submit":
            if not clicked:
                pairs.append((spec.name, spec.options[0]))
                clicked = True
        elif spec.kind == "file":
            files[spec.name] = policy.BASELINE_FILES.get(endpoint, (PDF, "carta-compromiso.pdf"))
        elif spec.kind == "checkbox":
            if spec.defaults:
                pairs.extend((spec.name, v) for v in spec.defaults)
            elif len(spec.options) > 1 or _CONFIRM.search(spec.name):
                pairs.append((spec.name, spec.options[0]))
        elif spec.kind == "radio":
            choice = (spec.defaults or [o for o in spec.options if o] or spec.options)[:1]
            pairs.extend((spec.name, v) for v in choice)
        elif spec.kind == "select":  # the selected option, or the first one that is not blank
            chosen = [v for v in spec.defaults[:1] if v != ""]
            chosen = chosen or [o for o in spec.options if o != ""][:1] or spec.defaults[:1]
            pairs.extend((spec.name, v) for v in chosen)
        elif spec.kind == "select-multiple":
            chosen = spec.defaults or [o for o in spec.options if o != ""][:1]
            pairs.extend((spec.name, v) for v in chosen)
        elif len(spec.defaults) > 1:  # several inputs of one name (ids of a group)
            pairs.extend((spec.name, v) for v in spec.defaults)
        else:
            default = spec.defaults[0] if spec.defaults else ""
            if default.strip() or spec.kind == "hidden":
                pairs.append((spec.name, default))
            elif spec.group.startswith("pos_"):  # committee order: distinct positions
                pairs.append((spec.name, str(next(counter))))
            else:
                pairs.append((spec.name, plausible(spec)))
    return pairs, files


_TEXT_RULES: tuple[tuple[str, str], ...] = (
    (r"email|correo", "fuzz.baseline@cofinancia.example"),
    (r"rfc", "GODE561231GR8"),
    (r"clabe", "032180000118359719"),
    (r"postal|zip", "64000"),
    (r"website|url|link", "https://example.org"),
    (r"phone|tel", "8112345678"),
    (r"hash|digest", "0" * 64),
    (r"^code$", "FUZZ-2026-09"),
    (r"key$", "fuzz_key"),
    (r"amount|budget|envelope|limit|award|requested|cofinance|total", "1000.00"),
    (r"pct|percent", "10"),
    (r"rate", "17.25"),
    (r"score|weight|position|max_|min_|size|chars|days|count", "1"),
    (r"date|_on$|_dt$|^day$", "__date__"),
    (r"name|title|label|position|reason|comment|note|description|summary|narrative", "Prueba"),
)


def plausible(spec: FieldSpec) -> str:
    kind, name = spec.kind, spec.name.rsplit("-", 1)[-1]
    if kind == "email":
        return "fuzz.baseline@cofinancia.example"
    if kind == "password":
        return DEMO_PASSWORD
    if kind in ("date", "datetime-local", "month", "time"):
        return _date(kind, name)
    if kind in ("number", "range"):
        if spec.attrs.get("min") not in (None, ""):
            return spec.attrs["min"]
        return "1000" if re.search(r"amount|budget|envelope|limit", name) else "1"
    if kind == "url":
        return "https://example.org"
    if kind == "tel":
        return "8112345678"
    for pattern, value in _TEXT_RULES:
        if re.search(pattern, name, re.IGNORECASE):
            return _date("date", name) if value == "__date__" else value
    if kind == "textarea":
        return "Texto de prueba del fuzz."
    return "Prueba"


def _date(kind: str, name: str) -> str:
    """Today for what already happened (paid on, contributed on, a rate's day), later for
    what comes (opening in 10 days, closing or ending in 90, due in 60)."""
    offset = 0
    if re.search(r"open|start|from", name):
        offset = 10
    elif re.search(r"clos|end|until|_to$|due|expir", name):
        offset = 90
    day = policy.today() + timedelta(days=offset)
    return {
        "date": day.isoformat(),
        "datetime-local": f"{day.isoformat()}T10:00",
        "month": day.strftime("%Y-%m"),
        "time": "10:00",
    }[kind]


# Mutations ---------------------------------------------------------------------------------
def replace_field(pairs: list, name: str, value) -> list:
    """The baseline with every value of ``name`` replaced by ``value`` (added if absent)."""
    out, done = [], False
    for key, current in pairs:
        if key == name:
            if not done:
                out.append((key, value))
                done = True
        else:
            out.append((key, current))
    if not done:
        out.append((name, value))
    return out


def with_path_arg(world, endpoint: str, args: dict, name: str, value) -> str | None:
    """The URL of ``endpoint`` with the segment ``name`` replaced by ``value`` (percent-encoded,
    so a "/" in it stays inside the segment)."""
    try:
        url = world.adapter.build(endpoint, {**args, name: PLACEHOLDER})
    except Exception:
        return None
    return url.replace(PLACEHOLDER, quote(value, safe=""))


def with_query(url: str, pairs: list) -> str:
    path = urlsplit(url).path
    return path + (f"?{urlencode(pairs)}" if pairs else "")


def query_pairs(url: str) -> list:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)
