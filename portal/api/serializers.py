"""Objects to JSON-ready dicts, field for field what the OpenAPI document promises.

Amounts are decimal STRINGS with two places ("150000.00") next to their currency, never
floats; dates are ISO 8601 (``YYYY-MM-DD``); instants are UTC with a ``Z``. Bank data stays
out: the CLABE only as its last four digits, never the whole account.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from portal.core.db import quantize_money

CLABE_MASK = "••••"  # what the ledger exports write in place of a CLABE inside a reference


def money(value: Decimal | None) -> str | None:
    return None if value is None else format(quantize_money(value), "f")


def decimal_text(value: Decimal | None, places: int) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def bilingual(obj, field: str) -> dict:
    return {"es": getattr(obj, f"{field}_es") or "", "en": getattr(obj, f"{field}_en") or ""}


# Calls ------------------------------------------------------------------------------------------
def call_json(call, now: datetime) -> dict:
    programme = call.programme
    return {
        "id": call.id,
        "code": call.code,
        "status": call.status,
        "is_open": call.is_open(now),
        "title": bilingual(call, "title"),
        "description": bilingual(call, "description"),
        "programme": {
            "id": programme.id,
            "name": bilingual(programme, "name"),
            "donor": programme.donor,
            "currency": programme.currency,
        },
        "currency": call.currency,
        "budget": money(call.budget),
        "min_award": money(call.min_award),
        "max_award": money(call.max_award),
        "cofinance_min_pct": decimal_text(call.cofinance_min_pct, 2),
        "in_kind_counts_as_cofinance": call.in_kind_counts,
        "instruments": [i.value for i in call.instruments],
        "applicant_kinds": sorted(call.applicant_kinds or []),
        "all_states": call.all_states,
        "state_codes": sorted(call.state_codes or []),
        "thematic_areas": [
            {"es": a.get("es", ""), "en": a.get("en", "")} for a in (call.thematic_areas or [])
        ],
        "timezone": call.timezone,
        "opens_dt": instant(call.opens_dt),
        "closes_dt": instant(call.closes_dt),
        "published_dt": instant(call.published_dt),
        "closed_dt": instant(call.closed_dt),
    }


# Awards -----------------------------------------------------------------------------------------
def award_info(award) -> dict:
    """The columns ``queries.AWARD_COLUMNS`` gives list rows, taken from a loaded award."""
    application = award.application
    organisation = application.organisation
    return {
        "reference": application.reference,
        "title": application.title,
        "call_id": application.call.id,
        "call_code": application.call.code,
        "organisation_id": organisation.id,
        "organisation_name": organisation.legal_name,
        "organisation_rfc": organisation.rfc,
        "organisation_state": organisation.state_code,
    }


def figures_json(f) -> dict | None:
    if f is None:
        return None
    return {
        "currency": f.currency,
        "committed": money(f.amount),
        "disbursed": money(f.disbursed),
        "remaining": money(f.remaining),
        "cofinance": {
            "committed_cost_share": money(f.committed_cost_share),
            "committed_leverage": money(f.committed_leverage),
            "reported_cost_share": money(f.reported_cost_share),
            "verified_cost_share": money(f.verified_cost_share),
            "reported_leverage": money(f.reported_leverage),
            "verified_leverage": money(f.verified_leverage),
        },
    }


def award_json(award, info: dict, figures) -> dict:
    return {
        "id": award.id,
        "reference": info["reference"],
        "title": info["title"],
        "status": award.status,
        "instrument": award.instrument,
        "amount": money(award.amount),
        "currency": award.currency,
        "start_date": day(award.start_date),
        "end_date": day(award.end_date),
        "advance_limit": money(award.advance_limit),
        "decided_dt": instant(award.proposed_dt),
        "call": {"id": info["call_id"], "code": info["call_code"]},
        "programme_id": award.programme_id,
        "organisation": {
            "id": info["organisation_id"],
            "name": info["organisation_name"],
            "rfc": info["organisation_rfc"],
            "state_code": info["organisation_state"],
        },
        "milestones": [milestone_json(m) for m in award.milestones],
        "cofinance_commitments": [commitment_json(c, award.currency) for c in award.commitments],
        "figures": figures_json(figures),
    }


def milestone_json(m) -> dict:
    return {
        "id": m.id,
        "position": m.position,
        "deliverable": m.deliverable,
        "due_date": day(m.due_date),
        "amount": money(m.amount),
        "currency": m.currency,
        "status": m.status,
    }


def commitment_json(c, currency: str) -> dict:
    return {
        "id": c.id,
        "contributor_name": c.contributor_name,
        "contributor_type": c.contributor_type,
        "nature": c.nature,
        "counts_as": c.counts_as,
        "amount": money(c.amount),
        "currency": currency,
    }


# Ledger and co-finance ----------------------------------------------------------------------------
def disbursement_json(d, reference: str) -> dict:
    """A ledger row. Reversals carry negative amounts, so sums are the net paid."""
    return {
        "id": d.id,
        "award_id": d.award_id,
        "award_reference": reference,
        "kind": d.kind,
        "reverses_id": d.reverses_id,
        "milestone_id": d.milestone_id,
        "payment_request_id": d.request_id,
        "paid_on": day(d.paid_on),
        "amount": money(d.amount),
        "currency": d.currency,
        "exchange_rate": decimal_text(d.exchange_rate, 6),
        "rate_source": d.rate_source,
        "award_amount": money(d.award_amount),
        "award_currency": d.award_currency,
        # Shown on the grant's finance page to everyone who may read the ledger.
        "bank_reference": bank_reference(d),
        "clabe_last4": d.clabe[-4:] if d.clabe else None,
        "recorded_dt": instant(d.created_dt),
    }


def bank_reference(d) -> str:
    """The transfer's reference, with the account's CLABE masked when it was typed into it (as
    the ledger exports do): the whole account number never leaves."""
    reference = d.bank_reference or ""
    return reference.replace(d.clabe, CLABE_MASK) if d.clabe else reference


def contribution_json(c, reference: str) -> dict:
    return {
        "id": c.id,
        "award_id": c.award_id,
        "award_reference": reference,
        "commitment_id": c.commitment_id,
        "contributor_name": c.contributor_name,
        "nature": c.nature,
        "counts_as": c.counts_as,
        "amount": money(c.amount),
        "currency": c.currency,
        "valuation_basis": c.valuation_basis,
        "contributed_on": day(c.contributed_on),
        "status": c.status,
        "reason": c.reason,
        "reported_dt": instant(c.reported_dt),
        "decided_dt": instant(c.verified_dt),
    }


# The token's user ------------------------------------------------------------------------------
def me_json(user, token, memberships) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "roles": sorted(r.value for r in user.roles),
        "organisations": [
            {"id": org_id, "name": name, "role": role, "is_signatory": signatory}
            for role, signatory, org_id, name in memberships
        ],
        "token": {
            "id": token.id,
            "name": token.name,
            "prefix": token.prefix,
            "created_dt": instant(token.created_dt),
            "expires_dt": instant(token.expires_dt),
        },
    }
