"""The IATI 2.03 activity file: one ``iati-activity`` per active grant.

Elements are written in the order the XSD's sequences require (``schemas/iati-2.03``).
Codes used: participating-org role 1 funding (the programme's donor), 3 extending (the
reporting organisation), 4 implementing (the grantee); activity-status 2 implementation,
3 finalisation (end date passed, money still to pay), 4 closed (end date passed and fully
paid); activity-date 1/2/3/4 planned start, actual start (first payment), planned end, actual
end (closed only); sector 15130 (DAC 5, "Legal and judicial development"); default finance type
110 (standard grant) and aid type C01 (project-type intervention); budget type 1 (original)
status 2 (committed), one per period of at most a year, valued by the milestones due in it;
transaction type 2 outgoing commitment (the award, on the agreement's signature) and type 3
disbursement per ledger entry.

Amendments (issue 15). When an amendment in effect changed the amount, the budget is published
as IATI 2.03 expresses a revision: the original budget (type 1, the amount as awarded, i.e. the
first amount amendment's old amount, over the term as awarded, valued on the agreement's
signature) and the revised budget (type 2, the current amount split by period over the current
term as above, valued on the date the last amount amendment took effect). The commitment stays
the amount as awarded on the agreement's signature, and each amount amendment adds a commitment
of its difference (negative for a decrease) on its effect date, so the commitments add up to the
current amount. The effect date is the grants manager's countersignature of the amendment
document (the approval date when no countersignature is recorded). The planned end date
(activity-date 3) is the current end date. Known limit: the original budget is one element
even when the term as awarded exceeds a year (the split by period as awarded is not kept).

Reversals are published as NEGATIVE disbursements on their own date (IATI allows negative
transaction values for corrections) rather than netted away: the ledger is append-only, a
published disbursement never disappears from a later file, and the transactions still add up
to the net amount paid.

Refunds of unspent funds (issue 16) are published the same way, as NEGATIVE disbursements
(type 3) on the date the refund was received, described as a refund. IATI's TransactionType
codelist has no "refund" code: 1 (incoming funds) is money received *for use on the activity*,
which a returned balance is not, and 7 (reimbursement) is a disbursement covering spent funds.
IATI's guidance reports money returned from a disbursement as a negative value of the
transaction type it corrects, so the disbursements still add up to the net amount paid. A
closed grant (closeout complete) is activity-status 4 (closed) whatever its end date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from lxml import etree

from portal.core.db import now_utc
from portal.finance.deadlines import today
from portal.opendata import results, texts
from portal.opendata.grants import Grant
from portal.organisations.mexican_states import BY_INEGI

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CENT = Decimal("0.01")
SECTOR_LEGAL_JUDICIAL = "15130"
ORG_TYPES = {"cso": "22", "company": "70", "academic": "80"}  # IATI OrganisationType


def reporting_org() -> tuple[str, str, str]:
    config = current_app.config
    return (
        config["IATI_REPORTING_ORG_REF"],
        config["IATI_REPORTING_ORG_NAME"],
        config["IATI_REPORTING_ORG_TYPE"],
    )


def amount(value: Decimal) -> str:
    return str(value.quantize(CENT))


def build(grants: list[Grant]) -> bytes:
    """The whole file as UTF-8 bytes. The schema needs at least one activity: with no grant
    in scope the root is written empty (not schema-valid; the views and the command say so)."""
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": now_utc().isoformat(timespec="seconds")},
    )
    on = today()
    published = results.of_awards([g.award_id for g in grants])
    for grant in grants:
        root.append(activity(grant, on, published.get(grant.award_id, ())))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity(grant: Grant, on: date, indicators=()) -> etree._Element:
    ref, name, org_type = reporting_org()
    node = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": grant.updated_dt.isoformat(timespec="seconds"),
            XML_LANG: "es",
            "default-currency": grant.currency,
        },
    )
    _text(node, "iati-identifier", f"{ref}-{grant.reference}")
    _narratives(etree.SubElement(node, "reporting-org", ref=ref, type=org_type), {"": name})
    _narratives(etree.SubElement(node, "title"), {"": grant.title})
    _narratives(
        etree.SubElement(node, "description", type="1"),
        {lang: texts.description(grant, lang) for lang in texts.LANGUAGES},
    )
    _participants(node, grant, ref, name, org_type)
    status = activity_status(grant, on)
    etree.SubElement(node, "activity-status", code=status)
    _dates(node, grant, status)
    etree.SubElement(node, "recipient-country", code="MX")
    _location(node, grant)
    etree.SubElement(node, "sector", vocabulary="1", code=SECTOR_LEGAL_JUDICIAL)
    etree.SubElement(node, "default-finance-type", code="110")
    etree.SubElement(node, "default-aid-type", code="C01")
    _budgets(node, grant)
    _transaction(
        node, grant, "2", grant.committed_on, grant.original_amount, f"award-{grant.award_id}"
    )
    for change in grant.amount_changes:
        _transaction(
            node,
            grant,
            "2",
            change.effective_on,
            change.difference,
            f"award-{grant.award_id}-amendment-{change.number}",
            description={lang: texts.amount_amendment(change, lang) for lang in texts.LANGUAGES},
        )
    for payment in grant.payments:
        _transaction(
            node,
            grant,
            "3",
            payment.paid_on,
            payment.value,
            f"disbursement-{payment.id}",
            reversal=payment.value < 0 and payment.kind != "refund",
            description=(
                {lang: texts.refund(lang) for lang in texts.LANGUAGES}
                if payment.kind == "refund"
                else None
            ),
        )
    for indicator in indicators:
        _result(node, indicator)
    return node


# Results (issue 16) ---------------------------------------------------------------------------
RESULT_TYPES = {"output": "1", "outcome": "2"}
SEX_CODES = {"women": "female", "men": "male", "non_binary": "other", "not_stated": "not stated"}


def _result(node, indicator) -> None:
    """One ``result`` per indicator (type 1 output, 2 outcome) holding its ``indicator``:
    measure 1 unit (counts, averages) or 2 percentage, ascending unless lower is better, the
    baseline, and each period's target and actual, the actual's breakdown by sex and state
    as further ``actual`` elements with a ``dimension``."""
    titles = {"": indicator.name_es, "en": indicator.name_en}
    result = etree.SubElement(
        node, "result", type=RESULT_TYPES[indicator.level], **{"aggregation-status": "1"}
    )
    _narratives(etree.SubElement(result, "title"), titles)
    element = etree.SubElement(
        result,
        "indicator",
        measure="2" if indicator.measure == "percentage" else "1",
        ascending="0" if indicator.direction == "decrease" else "1",
        **{"aggregation-status": "1" if indicator.measure == "count" else "0"},
    )
    _narratives(etree.SubElement(element, "title"), titles)
    _narratives(
        etree.SubElement(element, "description"),
        {"": indicator.definition_es, "en": indicator.definition_en},
    )
    if indicator.baseline_year is not None:
        baseline = etree.SubElement(element, "baseline", year=str(indicator.baseline_year))
        if indicator.baseline_value is not None:
            baseline.set("value", _figure(indicator.baseline_value))
    for period in indicator.periods:
        item = etree.SubElement(element, "period")
        etree.SubElement(item, "period-start", {"iso-date": period.start.isoformat()})
        etree.SubElement(item, "period-end", {"iso-date": period.end.isoformat()})
        if period.target is not None:
            etree.SubElement(item, "target", value=_figure(period.target))
        if period.actual is not None:
            # The total, then one ``actual`` per category (IATI 2.03 repeats ``actual`` to
            # disaggregate it, each with its ``dimension``).
            etree.SubElement(item, "actual", value=_figure(period.actual))
            for dimension, category, value in period.dimensions:
                name, label = _dimension(dimension, category)
                part = etree.SubElement(item, "actual", value=_figure(value))
                etree.SubElement(part, "dimension", name=name, value=label)


def _dimension(dimension: str, category: str) -> tuple[str, str]:
    if dimension == "sex":
        return "sex", SEX_CODES.get(category, category)
    state = BY_INEGI.get(category)
    return "state", state.name if state else category


def _figure(value: Decimal) -> str:
    """A value as IATI's decimal: no grouping, no trailing zeros ("120", "62.5")."""
    return format(value.normalize(), "f")


def activity_status(grant: Grant, on: date) -> str:
    if grant.closed:
        return "4"
    if grant.end_date is None or grant.end_date >= on:
        return "2"
    return "4" if grant.disbursed >= grant.amount else "3"


def _budgets(node, grant: Grant) -> None:
    """Type 1 (original) per period; after an amount amendment, the original budget as awarded
    and the revised one (type 2) per period."""
    if not grant.amount_changes:
        for start, end, value in budget_periods(grant):
            _budget(node, "1", start, end, value, grant.currency, grant.committed_on)
        return
    if grant.start_date is not None and grant.end_date is not None:
        end = grant.original_end_date or grant.end_date
        _budget(
            node,
            "1",
            grant.start_date,
            end,
            grant.original_amount,
            grant.currency,
            grant.committed_on,
        )
    revised_on = grant.amount_changes[-1].effective_on
    for start, end, value in budget_periods(grant):
        _budget(node, "2", start, end, value, grant.currency, revised_on)


def _budget(node, kind, start: date, end: date, value, currency: str, day: date) -> None:
    budget = etree.SubElement(node, "budget", type=kind, status="2")
    etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
    etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
    _value(budget, value, currency, day)


def budget_periods(grant: Grant) -> list[tuple[date, date, Decimal]]:
    """Consecutive periods of at most a year from the start to the end date, each valued by
    the milestones due in it (milestones due outside the dates count in the first or last
    period). Without dates nothing is budgeted; without milestones, one period holds all."""
    if grant.start_date is None or grant.end_date is None:
        return []
    periods = []
    start = grant.start_date
    while start <= grant.end_date:
        end = min(_year_later(start) - timedelta(days=1), grant.end_date)
        periods.append([start, end, Decimal("0")])
        start = end + timedelta(days=1)
    if not grant.milestones:
        periods[0][2] = grant.amount
        periods[0][1] = grant.end_date
        return [tuple(periods[0])]
    for due_date, value in grant.milestones:
        index = next((i for i, p in enumerate(periods) if due_date <= p[1]), len(periods) - 1)
        periods[index][2] += value
    return [tuple(p) for p in periods]


def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _participants(node, grant: Grant, ref: str, name: str, org_type: str) -> None:
    _narratives(etree.SubElement(node, "participating-org", role="1"), {"": grant.donor})
    _narratives(
        etree.SubElement(node, "participating-org", ref=ref, type=org_type, role="3"),
        {"": name},
    )
    _narratives(etree.SubElement(node, "participating-org", _grantee_attrs(grant)), _grantee(grant))


def _grantee_attrs(grant: Grant) -> dict:
    recipient = grant.recipient
    attrs = {"role": "4"}
    if recipient.org_ref:
        attrs["ref"] = recipient.org_ref
    if not recipient.is_person and recipient.kind in ORG_TYPES:
        attrs["type"] = ORG_TYPES[recipient.kind]
    return attrs


def _grantee(grant: Grant) -> dict:
    if grant.recipient.public_name is None:
        return {lang: texts.withheld_recipient(lang) for lang in texts.LANGUAGES}
    return {"": grant.recipient.public_name}


def _dates(node, grant: Grant, status: str) -> None:
    planned_start = grant.start_date or grant.committed_on
    etree.SubElement(node, "activity-date", {"type": "1", "iso-date": planned_start.isoformat()})
    if grant.first_paid_on:
        etree.SubElement(
            node, "activity-date", {"type": "2", "iso-date": grant.first_paid_on.isoformat()}
        )
    if grant.end_date:
        etree.SubElement(
            node, "activity-date", {"type": "3", "iso-date": grant.end_date.isoformat()}
        )
        if status == "4":
            etree.SubElement(
                node, "activity-date", {"type": "4", "iso-date": grant.end_date.isoformat()}
            )


def _location(node, grant: Grant) -> None:
    state = grant.recipient.state
    if state is None:
        return
    location = etree.SubElement(node, "location", ref=state.iso)
    etree.SubElement(location, "location-reach", code="1")
    _narratives(etree.SubElement(location, "name"), {"": state.name})
    etree.SubElement(location, "exactness", code="2")
    etree.SubElement(location, "location-class", code="1")


def _transaction(
    node, grant, code, day, value, ref, *, reversal=False, description: dict | None = None
) -> None:
    ref_org, name, org_type = reporting_org()
    transaction = etree.SubElement(node, "transaction", ref=ref)
    etree.SubElement(transaction, "transaction-type", code=code)
    etree.SubElement(transaction, "transaction-date", {"iso-date": day.isoformat()})
    _value(transaction, value, grant.currency, day)
    if reversal:
        description = {lang: texts.reversal(lang) for lang in texts.LANGUAGES}
    if description:
        _narratives(etree.SubElement(transaction, "description"), description)
    _narratives(
        etree.SubElement(transaction, "provider-org", ref=ref_org, type=org_type), {"": name}
    )
    receiver = etree.SubElement(transaction, "receiver-org")
    if grant.recipient.org_ref:
        receiver.set("ref", grant.recipient.org_ref)
    _narratives(receiver, _grantee(grant))


def _value(parent, value: Decimal, currency: str, day: date) -> None:
    element = etree.SubElement(parent, "value", currency=currency)
    element.set("value-date", day.isoformat())
    element.text = amount(value)


def _text(parent, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _narratives(parent, by_language: dict) -> etree._Element:
    """One ``narrative`` per language; the key "" means the activity's default (Spanish)."""
    for language, text in by_language.items():
        narrative = etree.SubElement(parent, "narrative")
        if language:
            narrative.set(XML_LANG, language)
        narrative.text = text
    return parent
