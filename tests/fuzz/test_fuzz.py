"""Issue 12: hostile input anywhere a persona can type it is refused cleanly, never a 5xx, and a
refused request changes nothing.

The world (tests/fuzz/conftest.py) is the demo data with the seven personas logged in; each
persona's reach is discovered by crawling (tests/fuzz/crawl.py). Then every distinct form gets
its baseline and, field by field, every hostile value (tests/fuzz/values.py); every GET page
gets every hostile value in each query parameter, and every string path segment gets them too
(tests/fuzz/plan.py). The work is split in shards of similar cost so that xdist's workers share
it. A shard fails with every failing request it met, grouped by cause; the full list and what
was covered are written to test-artifacts/fuzz/<worker>.txt.
"""

from __future__ import annotations

import pytest

from tests.fuzz import policy
from tests.fuzz.harness import Stopwatch, artifact_path, failure_report
from tests.fuzz.plan import shards
from tests.fuzz.run import run

FORM_SHARDS = 6
GET_SHARDS = 2
FUZZED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _run(world, jobs, title: str) -> None:
    watch = Stopwatch()
    first_failure, sent_before = len(world.failures), sum(world.requests.values())
    for job in jobs:
        world.job_lines.extend(run(world, job))
    failures = world.failures[first_failure:]
    errors = sum(f.kind == "server error" for f in failures)
    summary = (
        f"{title}: {sum(world.requests.values()) - sent_before} requests, {len(jobs)} jobs,"
        f" {errors} server errors, {len(failures) - errors} refused-but-changed, {watch}"
    )
    world.log.append(summary)
    print(summary)
    if failures:
        pytest.fail(f"{summary}\n{failure_report(failures)}", pytrace=False)


def test_every_page_the_personas_reach_answers(fuzz_world):
    """The crawl itself: no page linked from the portal answers 5xx."""
    failures = [f for f in fuzz_world.failures if f.target == "crawl"]
    pages = sum(d.fetched for d in fuzz_world.discoveries.values())
    print(f"crawl: {pages} pages, {len(failures)} server errors")
    if failures:
        pytest.fail(failure_report(failures), pytrace=False)


@pytest.mark.parametrize("shard", range(FORM_SHARDS))
def test_forms_refuse_hostile_values_cleanly(fuzz_world, shard):
    jobs = [j for j in fuzz_world.jobs if j.kind in ("form", "csrf")]
    _run(fuzz_world, shards(jobs, FORM_SHARDS)[shard], f"forms {shard + 1}/{FORM_SHARDS}")


@pytest.mark.parametrize("shard", range(GET_SHARDS))
def test_query_strings_and_paths_refuse_hostile_values_cleanly(fuzz_world, shard):
    jobs = [j for j in fuzz_world.jobs if j.kind in ("query", "path")]
    _run(fuzz_world, shards(jobs, GET_SHARDS)[shard], f"GET {shard + 1}/{GET_SHARDS}")


def test_every_form_endpoint_is_fuzzed(fuzz_world, app):
    """Every POST/PUT/PATCH/DELETE endpoint (outside the API, which has its own OpenAPI fuzz)
    is reached by some persona's form and so fuzzed, or exempted with a reason."""
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & FUZZED_METHODS
        and not rule.rule.startswith("/api/")
        and rule.endpoint != "static"
    }
    forms = [j for j in fuzz_world.jobs if j.kind == "form" and j.full]
    fuzzed = {j.endpoint for j in forms} | {t.endpoint for j in forms for t in j.twins}
    missing = sorted(endpoints - fuzzed - set(policy.EXEMPT))
    stale = sorted(set(policy.EXEMPT) & fuzzed)
    unknown = sorted(set(policy.EXEMPT) - endpoints)
    fuzz_world.log.append(
        f"form endpoints: {len(endpoints & fuzzed)} of {len(endpoints)} fuzzed,"
        f" {len(policy.EXEMPT)} exempt, missing: {', '.join(missing) or 'none'}"
    )
    unroutable = sorted({a for d in fuzz_world.discoveries.values() for a in d.unroutable})
    assert not missing, (
        f"never fuzzed (no persona reached a form posting to them; see "
        f"{artifact_path()}): {missing}; forms whose action matches no rule: "
        f"{unroutable}"
    )
    assert not stale, f"exempt in tests/fuzz/policy.py but reached after all: {stale}"
    assert not unknown, f"exempt in tests/fuzz/policy.py but not in the URL map: {unknown}"
