"""Schemathesis runs the API against its own OpenAPI document (issue 12): no server error, and
every answer, success or error, is documented (status, content type, headers) and valid against
the schema the document gives for it.

In-process (schemathesis' WSGI transport, no server) inside the per-test rolled-back transaction
of the ``connection`` fixture, so it runs with the suite on SQLite and on PostgreSQL. Each
operation is one test:

- authenticated, with real tokens of a finance officer (every award) and of a grantee (their own
  organisation's awards, so other ids are 404s), over the world of tests/api/helpers.py (a ledger
  with a reversal and a USD payment, co-finance in every state, a draft call, an award not yet
  active): schemathesis' coverage cases (boundaries, wrong types, unexpected methods), then
  Hypothesis-generated valid and invalid requests. Path ids and ``?award=`` are real ids half the
  time: schemathesis cannot guess them, and random ids only ever reach the 404 branch;
- with refused credentials (none, made-up, malformed, revoked, expired, deactivated account):
  every protected operation answers the documented 401.

Deterministic and bounded: ``derandomize``, values drawn from the document only (no literals
from the source, see the fixture below), a fixed number of examples per operation, and no
example database (``database=None``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers as hypothesis_providers
from hypothesis.internal.constants_ast import Constants
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from portal.api import openapi
from portal.api import operations as token_ops
from portal.core.db import db, now_utc
from tests.api import helpers

DOCUMENT = "/api/v1/openapi.json"
PATHS = sorted(openapi.document()["paths"])
PROTECTED = [p for p in PATHS if openapi.document()["paths"][p]["get"].get("security") != []]

# Per operation. With the coverage cases, a run sends 1,748 authenticated requests and 252 with
# refused credentials: measured on the 2-core machine (other suites running), 25-35 s for this
# module on SQLite, alone or with -n 2, and about 35 s on PostgreSQL.
VALID_EXAMPLES = 75
INVALID_EXAMPLES = 75
REFUSED_EXAMPLES = 20
# Error messages are English or Spanish (Accept-Language): both must fill their placeholders.
LANGUAGES = [None, "es-MX,es;q=0.9", "en-US,en;q=0.5", "fr"]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    positive_data_acceptance,
    negative_data_rejection,
    unsupported_method,
    allow_header_conformance,
]

SETTINGS = settings(
    derandomize=True,
    database=None,
    # A request goes through the app and the database: its time varies with the machine and the
    # database, which says nothing about the API's correctness.
    deadline=None,
)


@pytest.fixture(autouse=True)
def _generated_from_the_document_only(monkeypatch):
    """Hypothesis draws about 5 % of its values from literals in the project's imported modules.
    Which modules are imported depends on what ran before in the same xdist worker (the PDF,
    demo and notification modules are imported lazily), and so, measured, did 320 of the 1,748
    requests of one seed. Off for these tests (a private hook of the pinned Hypothesis: an
    upgrade that drops it fails here loudly); the cache of permitted constants is emptied on
    both sides so no other test sees the empty pool."""
    monkeypatch.setattr(hypothesis_providers, "_get_local_constants", Constants)
    hypothesis_providers.CONSTANTS_CACHE.cache.clear()
    yield
    hypothesis_providers.CONSTANTS_CACHE.cache.clear()


def _config(*, security: bool) -> schemathesis.Config:
    """An explicit configuration (no ``schemathesis.toml`` is looked up). Values are generated
    from the document only: literal constants from the portal's source would change what is
    generated whenever unrelated code changes."""
    return schemathesis.Config.from_dict(
        {
            "analysis": {"constants": {"enabled": False}},
            "generation": {"with-security-parameters": security},
        }
    )


def _operation(app, path: str, *, security: bool):
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app, config=_config(security=security))
    return schema[path]["GET"]


# The world and its ids ---------------------------------------------------------------------------
@pytest.fixture
def real_ids(world) -> dict[str, list[int]]:
    awards = [world["award_a"].id, world["award_b"].id, world["pending"].id]
    return {
        "call_id": [world["call"].id, world["draft"].id],
        "award_id": awards,
        "award": awards,
    }


def _strategy(operation, mode: GenerationMode, ids: dict[str, list[int]]):
    """Generated cases, and half of the time the same with a real id (path or ``?award=``)."""
    generated = operation.as_strategy(generation_mode=mode)
    names = {p.name for p in operation.path_parameters}
    query = {p.name for p in operation.query}
    seeded = []
    for name in sorted(names & ids.keys()):
        if mode is GenerationMode.POSITIVE or query:  # an invalid case needs something to break
            seeded += [operation.as_strategy(mode, path_parameters={name: i}) for i in ids[name]]
    if "award" in query and mode is GenerationMode.POSITIVE:
        seeded += [operation.as_strategy(mode, query={"award": i}) for i in ids["award"]]
    return st.one_of(generated, st.one_of(seeded)) if seeded else generated


class Tally:
    """What the run sent and got, to prove it reached real data (not only 400s and 404s)."""

    def __init__(self) -> None:
        self.requests = 0
        self.statuses: dict[int, int] = {}
        self.with_data = 0

    def __repr__(self) -> str:
        return f"{self.requests} requests, statuses {sorted(self.statuses.items())}"

    def add(self, response) -> None:
        self.requests += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code == 200 and response.request.method == "GET":
            data = response.json().get("data")
            self.with_data += bool(data)


# Authenticated ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PATHS)
def test_operation_conforms_to_the_document(app, personas, token_of, real_ids, path):
    operation = _operation(app, path, security=False)
    tokens = {
        name: helpers.bearer(token_of(personas[name])) for name in ("finance_officer", "applicant")
    }
    tally = Tally()

    def send(case, persona: str = "finance_officer", language: str | None = None) -> None:
        headers = {**tokens[persona], **({"Accept-Language": language} if language else {})}
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        tally.add(response)

    schema = operation.schema
    coverage = schema.iter_coverage_cases(
        operation,
        generation_modes=list(GenerationMode),
        generation_config=schema.config.generation_for(operation=operation),
    )
    for case in coverage:
        if not case.meta.is_negative_at(ParameterLocation.PATH):
            # Boundaries of the query (per_page=200, page=2147483647...) on a real grant.
            case.path_parameters.update({n: real_ids[n][0] for n in case.path_parameters})
        send(case)

    runs = [(GenerationMode.POSITIVE, VALID_EXAMPLES)]
    if list(operation.iter_parameters()):  # /me and /openapi.json: nothing to make invalid
        runs.append((GenerationMode.NEGATIVE, INVALID_EXAMPLES))
    for mode, examples in runs:

        @settings(SETTINGS, max_examples=examples)
        @given(
            case=_strategy(operation, mode, real_ids),
            persona=st.sampled_from(sorted(tokens)),
            language=st.sampled_from(LANGUAGES),
        )
        def fuzz(case, persona, language):
            send(case, persona, language)

        fuzz()

    assert tally.statuses.get(200), tally
    if path not in ("/openapi.json", "/me"):
        assert tally.with_data, f"every 200 was an empty list: nothing real was validated; {tally}"


# Refused credentials ------------------------------------------------------------------------------
@pytest.fixture
def refused_credentials(ctx, personas) -> list[dict]:
    """Authorization headers the API must refuse with a 401; ``{}``: no header at all."""
    reviewer = personas["reviewer"]
    revoked, revoked_secret = token_ops.create_token(reviewer, name="Revoked", days=30)
    token_ops.revoke_token(revoked, reviewer)
    long_ago = now_utc() - timedelta(days=31)
    _, expired_secret = token_ops.create_token(reviewer, name="Old", days=30, now=long_ago)
    _, inactive_secret = token_ops.create_token(personas["other_applicant"], name="Gone", days=30)
    personas["other_applicant"].is_active = False
    db.session.commit()
    made_up = "cfp_" + "A" * 43
    return [
        {},
        helpers.bearer(made_up),
        helpers.bearer(revoked_secret),
        helpers.bearer(expired_secret),
        helpers.bearer(inactive_secret),
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": made_up},
    ]


REFUSALS = {"missing_token", "invalid_token", "token_revoked", "token_expired", "account_inactive"}


@pytest.mark.parametrize("path", PROTECTED)
def test_refused_credentials_are_documented_401s(app, refused_credentials, path):
    """Valid requests with schemathesis' own made-up Authorization headers (``None`` below) or
    one of the refused credentials above; then each credential on a plain request. (Invalid
    requests are the authenticated test's business: those may be refused before the token is
    read, e.g. a path that matches no route is a 404.)"""
    operation = _operation(app, path, security=True)

    def send(case, headers: dict | None) -> None:
        if headers is not None:
            case.headers.pop("Authorization", None)
        response = case.call_and_validate(headers=headers or None, checks=CHECKS)
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"]["code"] in REFUSALS

    @settings(SETTINGS, max_examples=REFUSED_EXAMPLES)
    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE),
        headers=st.sampled_from([None, *refused_credentials]),
    )
    def fuzz(case, headers):
        send(case, headers)

    fuzz()
    plain = {p.name: 1 for p in operation.path_parameters}
    for headers in refused_credentials:
        send(operation.Case(path_parameters=plain), headers)
