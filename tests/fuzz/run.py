"""Running a job: the requests of one form, one query string or one path, and a report line."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from tests.fuzz.plan import (
    PDF,
    Job,
    baseline,
    query_pairs,
    replace_field,
    with_path_arg,
    with_query,
)
from tests.fuzz.values import EXTRAS, HOSTILE, values_for

PATH_VALUES = HOSTILE + EXTRAS


def run(world, job: Job) -> list[str]:
    """Send the job's requests; its report line(s)."""
    before = sum(world.requests.values())
    if job.kind == "form":
        settled: set | None = set() if job.twins else None
        note = _form(world, job, settled=settled)
    else:
        note = {"csrf": _csrf, "query": _query, "path": _path}[job.kind](world, job)
    lines = [_line(job, note, sum(world.requests.values()) - before)]
    for twin in job.twins:
        before = sum(world.requests.values())
        note = _form(world, twin, skip=settled)
        note += f" (twin of {job.endpoint}: {len(settled)} value(s) its field refused not resent)"
        lines.append(_line(twin, note, sum(world.requests.values()) - before))
    return lines


def _line(job: Job, note: str, sent: int) -> str:
    return f"{job.kind:5} {job.persona:15} {job.endpoint:38} {note}  [{sent} requests]"


_TAG = re.compile(rb"<(?:input|select|textarea)\b[^>]*>")
_NAME = re.compile(rb'\bname="([^"]*)"')


def invalid_fields(outcome) -> set[str]:
    """Names of the fields a refused answer marks invalid (``is-invalid``): the field's own
    validation refused the value."""
    names = set()
    for tag in _TAG.findall(outcome.body):
        if b"is-invalid" in tag:
            match = _NAME.search(tag)
            if match:
                names.add(match.group(1).decode("utf-8", "replace"))
    return names


def _form(world, job: Job, *, settled: set | None = None, skip: set | None = None) -> str:
    form, method = job.form, job.form.method
    pairs, files = baseline(form, job.endpoint, job.persona)
    first = world.send(
        job.persona,
        method,
        form.action,
        pairs=pairs,
        files=files,
        endpoint=job.endpoint,
        stage="baseline",
        target="baseline",
    )
    accepted = first.redirected and not first.refused
    verdict = _verdict(first)
    fields = ",".join(f.group for f in job.fuzz_fields) or "-"
    if not job.full:
        return f"{method} fields={fields} baseline={verdict} (fuzzed by an earlier persona)"
    common = dict(endpoint=job.endpoint, stage="hostile", baseline_redirected=accepted)
    for spec in job.fuzz_fields:
        for label, value in values_for(spec.name, spec.kind):
            if skip is not None and (spec.name, label) in skip:
                continue
            if spec.kind == "file":
                if isinstance(value, bytes):
                    continue
                hostile_files = {**(files or {}), spec.name: (PDF, value)}
                world.send(
                    job.persona,
                    method,
                    form.action,
                    pairs=pairs,
                    files=hostile_files,
                    target=f"file name {spec.name}",
                    label=label,
                    value=value,
                    **common,
                )
                continue
            outcome = world.send(
                job.persona,
                method,
                form.action,
                pairs=replace_field(pairs, spec.name, value),
                files=files,
                target=f"field {spec.name}",
                label=label,
                value=value,
                **common,
            )
            refused_here = outcome.refused and spec.name in invalid_fields(outcome)
            if settled is not None and refused_here and not outcome.server_error:
                settled.add((spec.name, label))
    query = urlsplit(form.action).query
    for name in job.path_args:
        for label, value in PATH_VALUES:
            url = with_path_arg(world, job.endpoint, job.rule_args, name, value)
            if url is None:
                continue
            world.send(
                job.persona,
                method,
                url + (f"?{query}" if query else ""),
                pairs=pairs,
                files=files,
                target=f"path {name}",
                label=label,
                value=value,
                **{**common, "stage": "form path"},
            )
    paths = f" path={','.join(job.path_args)}" if job.path_args else ""
    return f"{method} fields={fields}{paths} baseline={verdict} seen={job.seen}"


def _csrf(world, job: Job) -> str:
    form = job.form
    pairs, files = baseline(form, job.endpoint, job.persona)
    token = next(f.name for f in form.fields if f.name.endswith("csrf_token"))
    for label, value in PATH_VALUES:
        world.send(
            job.persona,
            form.method,
            form.action,
            pairs=replace_field(pairs, token, value),
            files=files,
            endpoint=job.endpoint,
            stage="hostile",
            target=f"field {token}",
            label=label,
            value=value,
            baseline_redirected=True,
        )
    return f"{form.method} field={token}"


def _query(world, job: Job) -> str:
    if job.form is not None:
        base, _ = baseline(job.form, job.endpoint, job.persona)
        url = urlsplit(job.form.action).path
    else:
        base, url = query_pairs(job.url), job.url
    for name in job.params:
        for label, value in values_for(name):
            world.send(
                job.persona,
                "GET",
                with_query(url, replace_field(base, name, value)),
                endpoint=job.endpoint,
                stage="query",
                target=f"query {name}",
                label=label,
                value=value,
            )
    return f"GET params={','.join(job.params)}"


def _path(world, job: Job) -> str:
    query = urlsplit(job.url).query
    for name in job.path_args:
        for label, value in PATH_VALUES:
            url = with_path_arg(world, job.endpoint, job.rule_args, name, value)
            if url is None:
                continue
            world.send(
                job.persona,
                "GET",
                url + (f"?{query}" if query else ""),
                endpoint=job.endpoint,
                stage="path",
                target=f"path {name}",
                label=label,
                value=value,
            )
    return f"GET path={','.join(job.path_args)}"


def _verdict(outcome) -> str:
    if outcome.server_error:
        return f"SERVER ERROR {outcome.status or outcome.error}"
    if outcome.redirected and not outcome.refused:
        return f"accepted ({outcome.status})"
    if 200 <= outcome.status < 300 and not outcome.refused:
        return f"accepted ({outcome.status})"
    return f"refused ({outcome.status}{_why(outcome)})"


def _why(outcome) -> str:
    """The fields a refused baseline marked invalid and its error messages (for tuning)."""
    flashed = [f"{c}: {m}"[:90] for c, m in outcome.flashes if c != "success"]
    if flashed:
        return ": flashed " + "; ".join(flashed)
    if "html" not in outcome.content_type or not outcome.body:
        return ""
    try:
        doc = lxml.html.fromstring(outcome.body)
    except Exception:
        return ""
    invalid = [el.get("name") for el in doc.xpath("//*[contains(@class,'is-invalid')]")]
    messages = [
        " ".join(el.text_content().split())
        for el in doc.xpath(
            "//*[contains(@class,'invalid-feedback') or contains(@class,'alert-danger')"
            " or contains(@class,'alert-warning')]"
        )
    ]
    parts = []
    if invalid:
        parts.append("invalid " + ",".join(sorted(set(filter(None, invalid)))))
    if messages:
        parts.append("; ".join(dict.fromkeys(m[:90] for m in messages))[:300])
    return (": " + " / ".join(parts)) if parts else ""
