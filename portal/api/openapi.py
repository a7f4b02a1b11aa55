"""The OpenAPI 3.1 document of the API, built from Python data and served at
``/api/v1/openapi.json``.

Kept in step with the code by tests/api/test_openapi.py: the document validates with
openapi-spec-validator, every route of the ``api`` blueprint is a path here (and the reverse,
with the endpoint name as ``operationId``), and real responses validate against the component
schemas (``additionalProperties: false``: a field the serializers add without documenting it
fails the tests). The descriptions are developer documentation, in English.
"""

from __future__ import annotations

from functools import cache

from portal.api.params import DEFAULT_PER_PAGE, MAX_ID, MAX_PER_PAGE
from portal.awards.constants import AwardStatus, MilestoneStatus
from portal.calls.constants import CallStatus, Instrument
from portal.finance.constants import ContributionStatus, Kind

VERSION = "1.0.0"


# Schema helpers ---------------------------------------------------------------------------------
def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(description: str, properties: dict) -> dict:
    """A closed object: every property always present (possibly null), nothing else."""
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def enum(values, description: str = "") -> dict:
    schema = {
        "type": "string",
        "enum": [str(v.value) if hasattr(v, "value") else v for v in values],
    }
    if description:
        schema["description"] = description
    return schema


def text(description: str = "") -> dict:
    return {"type": "string", **({"description": description} if description else {})}


ID = {"type": "integer", "minimum": 1}
# An id in a path or a query: larger ones match no route or are refused (portal.core.converters).
ID_PARAM = {**ID, "maximum": MAX_ID}
MONEY = {
    "type": "string",
    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "description": "Exact decimal amount as a string with two places; read it with a decimal "
    "type, never a float. Always next to its currency.",
    "examples": ["150000.00"],
}
CURRENCY = {"type": "string", "enum": ["MXN", "USD"], "description": "ISO 4217 code."}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
INSTANT = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$",
    "description": "An instant in UTC (ISO 8601 with Z).",
}
BILINGUAL = obj("The same text in Spanish and English.", {"es": text(), "en": text()})


def _schemas() -> dict:
    return {
        "Error": obj(
            "Every error has this shape.",
            {
                "error": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code", "message"],
                    "properties": {
                        "code": enum(
                            [
                                "missing_token",
                                "invalid_token",
                                "token_revoked",
                                "token_expired",
                                "account_inactive",
                                "not_found",
                                "invalid_parameter",
                                "unknown_parameter",
                                "method_not_allowed",
                                "rate_limited",
                                "server_error",
                                "http_error",
                            ],
                            "Stable machine-readable code (English).",
                        ),
                        "message": text(
                            "For people: English, or Spanish when Accept-Language prefers it."
                        ),
                        "parameter": text("The query parameter that was refused (400 only)."),
                    },
                }
            },
        ),
        "PageMeta": obj(
            "Position of this page in the whole list.",
            {
                "page": ID,
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "total": {"type": "integer", "minimum": 0, "description": "Items in all pages."},
                "pages": ID,
            },
        ),
        "PageLinks": obj(
            "Links (relative to the server's origin) keeping the filters of the request.",
            {
                "self": text(),
                "next": nullable(text("null on the last page.")),
                "prev": nullable(text("null on the first page.")),
            },
        ),
        "Bilingual": BILINGUAL,
        "Call": obj(
            "A call for proposals.",
            {
                "id": ID,
                "code": text("e.g. CONV-2026-01"),
                "status": enum(CallStatus),
                "is_open": {"type": "boolean", "description": "Accepting applications now."},
                "title": ref("Bilingual"),
                "description": ref("Bilingual"),
                "programme": obj(
                    "The programme (fund) the call belongs to.",
                    {"id": ID, "name": ref("Bilingual"), "donor": text(), "currency": CURRENCY},
                ),
                "currency": CURRENCY,
                "budget": nullable(MONEY),
                "min_award": nullable(MONEY),
                "max_award": nullable(MONEY),
                "cofinance_min_pct": {
                    "type": "string",
                    "pattern": r"^[0-9]+\.[0-9]{2}$",
                    "description": "Minimum co-finance, % of the total project cost.",
                },
                "in_kind_counts_as_cofinance": {"type": "boolean"},
                "instruments": {"type": "array", "items": enum(Instrument)},
                "applicant_kinds": {"type": "array", "items": text()},
                "all_states": {"type": "boolean"},
                "state_codes": {
                    "type": "array",
                    "items": text("INEGI state code, 01–32."),
                    "description": "Eligible states when all_states is false.",
                },
                "thematic_areas": {"type": "array", "items": ref("Bilingual")},
                "timezone": text("IANA zone the deadlines were set in."),
                "opens_dt": nullable(INSTANT),
                "closes_dt": nullable(INSTANT),
                "published_dt": nullable(INSTANT),
                "closed_dt": nullable(INSTANT),
            },
        ),
        "Milestone": obj(
            "A milestone (fixed amount award) or tranche of the payment schedule.",
            {
                "id": ID,
                "position": {"type": "integer", "minimum": 0},
                "deliverable": text(),
                "due_date": DATE,
                "amount": MONEY,
                "currency": CURRENCY,
                "status": enum(MilestoneStatus),
            },
        ),
        "Commitment": obj(
            "A co-finance commitment written into the agreement (award currency).",
            {
                "id": ID,
                "contributor_name": text(),
                "contributor_type": text("Kind of co-financier, e.g. state_institution."),
                "nature": enum(["cash", "in_kind"]),
                "counts_as": enum(["cost_share", "leverage"]),
                "amount": MONEY,
                "currency": CURRENCY,
            },
        ),
        "Figures": obj(
            "Money figures of an active grant, in the award's currency.",
            {
                "currency": CURRENCY,
                "committed": MONEY,
                "disbursed": {**MONEY, "description": "Net of reversals."},
                "remaining": MONEY,
                "cofinance": obj(
                    "Co-finance committed in the agreement, reported (not rejected) and verified.",
                    {
                        "committed_cost_share": MONEY,
                        "committed_leverage": MONEY,
                        "reported_cost_share": MONEY,
                        "verified_cost_share": MONEY,
                        "reported_leverage": MONEY,
                        "verified_leverage": MONEY,
                    },
                ),
            },
        ),
        "Award": obj(
            "An award (a grant once its agreement is signed by both parties: status active).",
            {
                "id": ID,
                "reference": text("The application's reference, e.g. CONV-2026-01-0002."),
                "title": text(),
                "status": enum(AwardStatus),
                "instrument": enum(Instrument),
                "amount": MONEY,
                "currency": CURRENCY,
                "start_date": nullable(DATE),
                "end_date": nullable(DATE),
                "advance_limit": {
                    **nullable(MONEY),
                    "description": "Advances allowed in all, in the award's currency; null: no"
                    " advance.",
                },
                "decided_dt": INSTANT,
                "call": obj("The call.", {"id": ID, "code": text()}),
                "programme_id": ID,
                "organisation": obj(
                    "The grantee organisation.",
                    {
                        "id": ID,
                        "name": text(),
                        "rfc": text("Mexican tax id (RFC) of the organisation."),
                        "state_code": text("INEGI state code."),
                    },
                ),
                "milestones": {"type": "array", "items": ref("Milestone")},
                "cofinance_commitments": {"type": "array", "items": ref("Commitment")},
                "figures": nullable(ref("Figures")),
            },
        ),
        "Disbursement": obj(
            "One row of the append-only disbursement ledger. Reversals carry negative "
            "amounts, so the sum of award_amount is the net paid. No bank account number is "
            "ever given: only the last four digits of the CLABE.",
            {
                "id": ID,
                "award_id": ID,
                "award_reference": text(),
                "kind": enum(Kind),
                "reverses_id": nullable({**ID, "description": "The entry a reversal undoes."}),
                "milestone_id": nullable(ID),
                "payment_request_id": nullable(ID),
                "paid_on": DATE,
                "amount": {**MONEY, "description": "Signed amount as paid, in currency."},
                "currency": CURRENCY,
                "exchange_rate": nullable(
                    {
                        "type": "string",
                        "pattern": r"^[0-9]+\.[0-9]{6}$",
                        "description": "Rate from currency to award_currency, when they differ.",
                    }
                ),
                "rate_source": nullable(text("e.g. banxico_fix, bank, dof, other.")),
                "award_amount": {**MONEY, "description": "Signed amount in award_currency."},
                "award_currency": CURRENCY,
                "bank_reference": text(
                    "The transfer's reference, as on the grant's page; the account's CLABE, "
                    "if it was typed into the reference, is replaced by ••••."
                ),
                "clabe_last4": nullable({"type": "string", "pattern": r"^[0-9]{4}$"}),
                "recorded_dt": INSTANT,
            },
        ),
        "Contribution": obj(
            "A co-finance contribution reported by the grantee (award currency).",
            {
                "id": ID,
                "award_id": ID,
                "award_reference": text(),
                "commitment_id": nullable(ID),
                "contributor_name": text(),
                "nature": enum(["cash", "in_kind"]),
                "counts_as": enum(["cost_share", "leverage"]),
                "amount": MONEY,
                "currency": CURRENCY,
                "valuation_basis": nullable(text("How an in-kind contribution was valued.")),
                "contributed_on": DATE,
                "status": enum(ContributionStatus),
                "reason": nullable(text("Given with the verification or rejection.")),
                "reported_dt": INSTANT,
                "decided_dt": nullable({**INSTANT, "description": "Verified or rejected at."}),
            },
        ),
        "Me": obj(
            "The token's user, as the API sees them now.",
            {
                "id": ID,
                "email": text(),
                "full_name": text(),
                "roles": {
                    "type": "array",
                    "items": enum(
                        ["applicant", "reviewer", "grants_manager", "finance_officer", "admin"]
                    ),
                },
                "organisations": {
                    "type": "array",
                    "items": obj(
                        "A membership.",
                        {
                            "id": ID,
                            "name": text(),
                            "role": enum(["owner", "editor", "viewer"]),
                            "is_signatory": {"type": "boolean"},
                        },
                    ),
                },
                "token": obj(
                    "The token used for this request.",
                    {
                        "id": ID,
                        "name": text(),
                        "prefix": text("First characters of the secret, to recognise it."),
                        "created_dt": INSTANT,
                        "expires_dt": INSTANT,
                    },
                ),
            },
        ),
        **{f"{name}List": _list_of(name) for name in LISTED},
        **{f"{name}Item": _one(name) for name in (*LISTED, "Me")},
    }


LISTED = ("Call", "Award", "Disbursement", "Contribution")


def _list_of(name: str) -> dict:
    return obj(
        f"A page of {name} objects.",
        {
            "data": {"type": "array", "items": ref(name)},
            "meta": ref("PageMeta"),
            "links": ref("PageLinks"),
        },
    )


def _one(name: str) -> dict:
    return obj(f"One {name}.", {"data": ref(name)})


# Parameters and responses -----------------------------------------------------------------------
def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _parameters() -> dict:
    return {
        "page": _query(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID, "default": 1},
            "Page number; a page past the last one is empty.",
        ),
        "per_page": _query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            "Items per page.",
        ),
        "award": _query(
            "award",
            ID_PARAM,
            "Only this award's entries.",
        ),
        "since": _query(
            "since", DATE, "Only entries paid on or after this date (paid_on >= since)."
        ),
        "after_id": _query(
            "after_id",
            {"type": "integer", "minimum": 0, "maximum": MAX_ID},
            "Only entries with a larger id: the ledger is append-only, so a system that "
            "remembers the last id it saw fetches only what is new.",
        ),
        "award_status": _query("status", enum(AwardStatus), "Only awards in this status."),
        "contribution_status": _query(
            "status", enum(ContributionStatus), "Only contributions in this status."
        ),
        "call_id": {"name": "call_id", "in": "path", "required": True, "schema": ID_PARAM},
        "award_id": {"name": "award_id", "in": "path", "required": True, "schema": ID_PARAM},
    }


def _error(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _responses() -> dict:
    return {
        "Unauthorized": _error(
            "No token, or a malformed, unknown, revoked or expired one, or its user is "
            "deactivated.",
            {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": "Bearer challenge.",
                }
            },
        ),
        "BadRequest": _error(
            "A query parameter is unknown, repeated or invalid, or carries a NUL byte (the "
            "parameter is named)."
        ),
        "NotFound": _error(
            "No such object, or the token's user may not see it (the two are not told apart)."
        ),
        "TooManyRequests": _error("Too many requests with this token; retry later."),
    }


def _ok(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _resp(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _get(operation_id, summary, response, params=(), *, found=False, description="") -> dict:
    responses = {
        "200": response,
        "400": _resp("BadRequest"),
        "401": _resp("Unauthorized"),
        "429": _resp("TooManyRequests"),
    }
    if found:
        responses["404"] = _resp("NotFound")
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [_param(p) for p in params],
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return {"get": operation}


PAGING = ("page", "per_page")
GRANT_RULE = (
    "Only active grants: 404 for an award the user may see but that is not active yet, as on "
    "the grant's finance page."
)


def _paths() -> dict:
    return {
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document (no token needed).",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": _resp("BadRequest"),
                    "429": _resp("TooManyRequests"),
                },
            }
        },
        "/me": _get("me", "The token's user, roles and organisations", _ok("MeItem", "You.")),
        "/calls": _get(
            "calls",
            "Calls the user may see",
            _ok("CallList", "A page of calls, by id."),
            PAGING,
            description="Published, closed and archived calls; drafts too for grants "
            "managers and administrators.",
        ),
        "/calls/{call_id}": _get(
            "call", "One call", _ok("CallItem", "The call."), ("call_id",), found=True
        ),
        "/awards": _get(
            "awards",
            "Awards the user may see",
            _ok("AwardList", "A page of awards, by id."),
            (*PAGING, "award_status"),
            description="Finance officers and administrators: every award; grants managers: "
            "their programmes' awards; grantee organisation members: their organisations' "
            "awards once approved. Reviewers: none. figures is null until the award is active.",
        ),
        "/awards/{award_id}": _get(
            "award", "One award", _ok("AwardItem", "The award."), ("award_id",), found=True
        ),
        "/awards/{award_id}/disbursements": _get(
            "award_disbursements",
            "The disbursement ledger of one grant",
            _ok("DisbursementList", "A page of ledger entries, by id."),
            ("award_id", *PAGING, "since", "after_id"),
            found=True,
            description=GRANT_RULE,
        ),
        "/awards/{award_id}/cofinance": _get(
            "award_cofinance",
            "The co-finance contributions of one grant",
            _ok("ContributionList", "A page of contributions, by id."),
            ("award_id", *PAGING, "contribution_status"),
            found=True,
            description=GRANT_RULE,
        ),
        "/disbursements": _get(
            "disbursements",
            "Ledger entries of every active grant the user may see",
            _ok("DisbursementList", "A page of ledger entries, by id."),
            (*PAGING, "award", "since", "after_id"),
        ),
        "/cofinance": _get(
            "cofinance",
            "Co-finance contributions of every active grant the user may see",
            _ok("ContributionList", "A page of contributions, by id."),
            (*PAGING, "award", "contribution_status"),
        ),
    }


DESCRIPTION = """Read-only access to the Cofinancia portal's calls, awards, disbursement ledger
and co-finance, for finance systems and scripts.

Authenticate every request with a personal access token created on your account page
(*My account → API tokens*): `Authorization: Bearer cfp_…`. The token acts as you, with your
current roles and organisations: you read exactly what you can see in the portal. Session
cookies are ignored here.

Amounts are decimal strings with two places next to their ISO currency code; dates are
`YYYY-MM-DD`; instants are UTC (`…Z`). Lists are paged with `page` and `per_page` (at most
200) and give `meta.total` and `links.next`. Unknown or repeated query parameters are refused
(400), so a typo never returns an unfiltered list."""


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cofinancia API",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "cfp_ personal access token",
                    "description": "A personal access token; only its SHA-256 hash is stored.",
                }
            },
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
        },
    }
