"""The component schemas: every object the API returns, and the lists and pages of them."""

from __future__ import annotations

from portal.api.openapi.types import (
    BILINGUAL,
    CURRENCY,
    DATE,
    ID,
    INSTANT,
    MONEY,
    enum,
    nullable,
    obj,
    ref,
    text,
)
from portal.api.params import MAX_PER_PAGE
from portal.awards.constants import AwardStatus, MilestoneStatus
from portal.calls.constants import CallStatus, Instrument
from portal.finance.constants import ContributionStatus, Kind


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
