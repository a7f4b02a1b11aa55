"""The 360Giving grant package ``{"grants": [...]}``: the ten required fields plus amount
applied for, amount disbursed (net of reversals), planned dates, beneficiary location (the
grantee's state, ISO 3166-2) and grant programme (the call).

Amounts are JSON numbers. They are ``Decimal`` until the last moment: each is quantised to
cents, then written as an integer when whole, else as the float whose shortest ``repr`` is
exactly that decimal text (money columns hold at most 14 significant digits, within the 15
that a double always round-trips). ``number`` checks it and refuses anything else rather than
publish a rounded amount.
"""

from __future__ import annotations

import json
from decimal import Decimal

from flask import current_app

from portal.opendata import texts
from portal.opendata.grants import Grant

CENT = Decimal("0.01")


def number(value: Decimal) -> int | float:
    exact = value.quantize(CENT)
    if exact == exact.to_integral_value():
        return int(exact)
    result = float(exact)
    if Decimal(repr(result)) != exact:
        raise ValueError(f"{exact} has no exact JSON number")
    return result


def build(grants: list[Grant]) -> bytes:
    package = {"grants": [grant_record(g) for g in grants]}
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def grant_record(grant: Grant) -> dict:
    config = current_app.config
    prefix = config["GIVING360_PREFIX"]
    record = {
        "id": f"{prefix}-{grant.reference}",
        "title": grant.title,
        "description": texts.description(grant, "en"),
        "currency": grant.currency,
        "amountAwarded": number(grant.amount),
    }
    if grant.applied is not None:
        record["amountAppliedFor"] = number(grant.applied)
    record["amountDisbursed"] = number(grant.disbursed)
    record["awardDate"] = grant.decided_on.isoformat()
    record["dateModified"] = grant.updated_dt.isoformat(timespec="seconds")
    if grant.start_date and grant.end_date:
        record["plannedDates"] = [
            {"startDate": grant.start_date.isoformat(), "endDate": grant.end_date.isoformat()}
        ]
    record["recipientOrganization"] = [recipient(grant, prefix)]
    record["fundingOrganization"] = [
        {"id": config["IATI_REPORTING_ORG_REF"], "name": config["IATI_REPORTING_ORG_NAME"]}
    ]
    state = grant.recipient.state
    if state is not None:
        record["beneficiaryLocation"] = [
            {"name": state.name, "countryCode": "MX", "geoCode": state.iso}
        ]
    record["grantProgramme"] = [
        {"code": grant.call_code, "title": f"{grant.programme_en}: {grant.call_title_en}"}
    ]
    record["fromOpenCall"] = "Yes"
    return record


def recipient(grant: Grant, prefix: str) -> dict:
    """A company or organisation: ``MX-RFC-<RFC>`` (12-character RFC) or a portal identifier,
    its name, municipality and state. A natural person: a portal identifier, no name, no
    municipality (see ``grants.Recipient``)."""
    who = grant.recipient
    organisation = {
        "id": who.org_ref or f"{prefix}-ORG-{who.org_id}",
        "name": who.public_name or texts.withheld_recipient("en"),
    }
    if who.public_municipality:
        organisation["addressLocality"] = who.public_municipality
    if who.state is not None:
        organisation["addressRegion"] = who.state.name
    organisation["addressCountry"] = "MX"
    return organisation
