"""The paths, their parameters and their responses (refusals included), hand-written; every
body schema they name is a model of ``portal.api.shapes`` (``RESPONSES`` by operationId)."""

from __future__ import annotations

from portal.api.openapi.types import DATE, ID_PARAM, enum, ref
from portal.api.params import DEFAULT_PER_PAGE, MAX_ID, MAX_PER_PAGE
from portal.api.shapes import RESPONSES
from portal.api.shapes.envelopes import Error
from portal.awards.constants import AwardStatus
from portal.finance.constants import ContributionStatus


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
        "content": {"application/json": {"schema": ref(Error.__name__)}},
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


def _ok(operation_id: str, description: str) -> dict:
    """The 200 answer: the operation's model in ``RESPONSES``."""
    schema = ref(RESPONSES[operation_id].__name__)
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _resp(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _get(operation_id, summary, answer, params=(), *, found=False, description="") -> dict:
    """A GET operation; ``answer`` describes its 200 (whose body is ``RESPONSES[operation_id]``)."""
    responses = {
        "200": _ok(operation_id, answer),
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
        "/me": _get("me", "The token's user, roles and organisations", "You."),
        "/calls": _get(
            "calls",
            "Calls the user may see",
            "A page of calls, by id.",
            PAGING,
            description="Published, closed and archived calls; drafts too for grants "
            "managers and administrators.",
        ),
        "/calls/{call_id}": _get("call", "One call", "The call.", ("call_id",), found=True),
        "/awards": _get(
            "awards",
            "Awards the user may see",
            "A page of awards, by id.",
            (*PAGING, "award_status"),
            description="Finance officers and administrators: every award; grants managers: "
            "their programmes' awards; grantee organisation members: their organisations' "
            "awards once approved. Reviewers: none. figures is null until the award is active.",
        ),
        "/awards/{award_id}": _get("award", "One award", "The award.", ("award_id",), found=True),
        "/awards/{award_id}/disbursements": _get(
            "award_disbursements",
            "The disbursement ledger of one grant",
            "A page of ledger entries, by id.",
            ("award_id", *PAGING, "since", "after_id"),
            found=True,
            description=GRANT_RULE,
        ),
        "/awards/{award_id}/cofinance": _get(
            "award_cofinance",
            "The co-finance contributions of one grant",
            "A page of contributions, by id.",
            ("award_id", *PAGING, "contribution_status"),
            found=True,
            description=GRANT_RULE,
        ),
        "/disbursements": _get(
            "disbursements",
            "Ledger entries of every active grant the user may see",
            "A page of ledger entries, by id.",
            (*PAGING, "award", "since", "after_id"),
        ),
        "/cofinance": _get(
            "cofinance",
            "Co-finance contributions of every active grant the user may see",
            "A page of contributions, by id.",
            (*PAGING, "award", "contribution_status"),
        ),
        "/awards/{award_id}/results": _get(
            "award_results",
            "The results indicators of one grant",
            "A page of the grant's indicators with baseline, targets and actuals, by id.",
            ("award_id", *PAGING),
            found=True,
            description=GRANT_RULE,
        ),
        "/results": _get(
            "results",
            "Results indicators of every active grant the user may see",
            "A page of grant indicators with baseline, targets and actuals, by id.",
            (*PAGING, "award"),
            description="Aggregate figures only (counts, percentages, averages and their "
            "breakdown by sex, age group, state or type of institution): never personal data.",
        ),
    }
