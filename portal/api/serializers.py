"""Objects to the API's shapes (``portal.api.shapes``), field for field.

The shapes turn values into their wire form: amounts are decimal STRINGS with two places
("150000.00") next to their currency, never floats; dates are ISO 8601 (``YYYY-MM-DD``);
instants are UTC with a ``Z``. Building a shape validates it, so a value the document does not
allow never leaves. Bank data stays out: the CLABE only as its last four digits, never the whole
account.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from portal.api.shapes import objects as o

CLABE_MASK = "••••"  # what the ledger exports write in place of a CLABE inside a reference


def bilingual(obj, field: str) -> o.Bilingual:
    return o.Bilingual(es=getattr(obj, f"{field}_es") or "", en=getattr(obj, f"{field}_en") or "")


# Calls ------------------------------------------------------------------------------------------
def call_shape(call, now: datetime) -> o.Call:
    programme = call.programme
    return o.Call(
        id=call.id,
        code=call.code,
        status=call.status,
        is_open=call.is_open(now),
        title=bilingual(call, "title"),
        description=bilingual(call, "description"),
        programme=o.CallProgramme(
            id=programme.id,
            name=bilingual(programme, "name"),
            donor=programme.donor,
            currency=programme.currency,
        ),
        currency=call.currency,
        budget=call.budget,
        min_award=call.min_award,
        max_award=call.max_award,
        cofinance_min_pct=call.cofinance_min_pct,
        in_kind_counts_as_cofinance=call.in_kind_counts,
        instruments=list(call.instruments),
        applicant_kinds=sorted(call.applicant_kinds or []),
        all_states=call.all_states,
        state_codes=sorted(call.state_codes or []),
        thematic_areas=[
            o.Bilingual(es=a.get("es", ""), en=a.get("en", "")) for a in call.thematic_areas or []
        ],
        timezone=call.timezone,
        opens_dt=call.opens_dt,
        closes_dt=call.closes_dt,
        published_dt=call.published_dt,
        closed_dt=call.closed_dt,
    )


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


def figures_shape(f) -> o.Figures | None:
    if f is None:
        return None
    return o.Figures(
        currency=f.currency,
        committed=f.amount,
        disbursed=f.disbursed,
        remaining=f.remaining,
        cofinance=o.CofinanceFigures(
            committed_cost_share=f.committed_cost_share,
            committed_leverage=f.committed_leverage,
            reported_cost_share=f.reported_cost_share,
            verified_cost_share=f.verified_cost_share,
            reported_leverage=f.reported_leverage,
            verified_leverage=f.verified_leverage,
        ),
    )


def award_shape(award, info, figures, amendments=()) -> o.Award:
    """``info``: ``award_info(award)`` or a list row's mapping (the same keys);
    ``amendments``: the award's submitted amendments, oldest first."""
    return o.Award(
        id=award.id,
        reference=info["reference"],
        title=info["title"],
        status=award.status,
        instrument=award.instrument,
        amount=award.amount,
        currency=award.currency,
        start_date=award.start_date,
        end_date=award.end_date,
        advance_limit=award.advance_limit,
        decided_dt=award.proposed_dt,
        call=o.AwardCall(id=info["call_id"], code=info["call_code"]),
        programme_id=award.programme_id,
        organisation=o.AwardOrganisation(
            id=info["organisation_id"],
            name=info["organisation_name"],
            rfc=info["organisation_rfc"],
            state_code=info["organisation_state"],
        ),
        milestones=[milestone_shape(m) for m in award.milestones],
        cofinance_commitments=[commitment_shape(c, award.currency) for c in award.commitments],
        figures=figures_shape(figures),
        amendments=[amendment_shape(a) for a in amendments],
    )


def amendment_shape(a) -> o.Amendment:
    changes = a.changes or {}
    amount = changes.get("amount") or [None, None]
    end = changes.get("end_date") or [None, None]
    return o.Amendment(
        number=a.number,
        status=a.status,
        kinds=a.kinds,
        submitted_dt=a.submitted_dt,
        decided_dt=a.decided_dt,
        amount_before=None if amount[0] is None else Decimal(amount[0]),
        amount_after=None if amount[1] is None else Decimal(amount[1]),
        end_date_before=end[0],
        end_date_after=end[1],
    )


def milestone_shape(m) -> o.Milestone:
    return o.Milestone(
        id=m.id,
        position=m.position,
        deliverable=m.deliverable,
        due_date=m.due_date,
        amount=m.amount,
        currency=m.currency,
        status=m.status,
    )


def commitment_shape(c, currency: str) -> o.Commitment:
    return o.Commitment(
        id=c.id,
        contributor_name=c.contributor_name,
        contributor_type=c.contributor_type,
        nature=c.nature,
        counts_as=c.counts_as,
        amount=c.amount,
        currency=currency,
    )


# Ledger and co-finance ----------------------------------------------------------------------------
def disbursement_shape(d, reference: str) -> o.Disbursement:
    """A ledger row. Reversals and refunds carry negative amounts, so sums are the net paid."""
    return o.Disbursement(
        id=d.id,
        award_id=d.award_id,
        award_reference=reference,
        kind=d.kind,
        reverses_id=d.reverses_id,
        advance_id=d.advance_id,
        milestone_id=d.milestone_id,
        payment_request_id=d.request_id,
        paid_on=d.paid_on,
        amount=d.amount,
        currency=d.currency,
        exchange_rate=d.exchange_rate,
        rate_source=d.rate_source,
        award_amount=d.award_amount,
        award_currency=d.award_currency,
        # Shown on the grant's finance page to everyone who may read the ledger.
        bank_reference=bank_reference(d),
        clabe_last4=d.clabe[-4:] if d.clabe else None,
        recorded_dt=d.created_dt,
    )


def bank_reference(d) -> str:
    """The transfer's reference, with the account's CLABE masked when it was typed into it (as
    the ledger exports do): the whole account number never leaves."""
    reference = d.bank_reference or ""
    return reference.replace(d.clabe, CLABE_MASK) if d.clabe else reference


def contribution_shape(c, reference: str) -> o.Contribution:
    return o.Contribution(
        id=c.id,
        award_id=c.award_id,
        award_reference=reference,
        commitment_id=c.commitment_id,
        contributor_name=c.contributor_name,
        nature=c.nature,
        counts_as=c.counts_as,
        amount=c.amount,
        currency=c.currency,
        valuation_basis=c.valuation_basis,
        contributed_on=c.contributed_on,
        status=c.status,
        reason=c.reason,
        reported_dt=c.reported_dt,
        decided_dt=c.verified_dt,
    )


# The token's user ------------------------------------------------------------------------------
def me_shape(user, token, memberships) -> o.Me:
    return o.Me(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(r.value for r in user.roles),
        organisations=[
            o.Membership(id=org_id, name=name, role=role, is_signatory=signatory)
            for role, signatory, org_id, name in memberships
        ],
        token=o.MeToken(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            created_dt=token.created_dt,
            expires_dt=token.expires_dt,
        ),
    )


# Results indicators ---------------------------------------------------------------------------
def result_shape(item, reference: str) -> o.Result:
    indicator = item.indicator
    periods = {}
    for target in item.targets:
        periods[target.report_id] = {"report": target.report, "target": target.value}
    for actual in item.actuals:
        periods.setdefault(actual.report_id, {"report": actual.report, "target": None})
        periods[actual.report_id]["actual"] = actual
    rows = []
    for entry in sorted(periods.values(), key=lambda e: (e["report"].period_end, e["report"].id)):
        report, actual = entry["report"], entry.get("actual")
        rows.append(
            o.ResultPeriod(
                report_id=report.id,
                report_kind=report.kind,
                period_start=report.period_start,
                period_end=report.period_end,
                target=entry["target"],
                actual=actual.value if actual else None,
                actual_status=actual.status if actual else None,
                breakdown=[
                    o.ResultBreakdown(dimension=b.dimension, category=b.category, value=b.value)
                    for b in (actual.breakdown if actual else ())
                ],
            )
        )
    return o.Result(
        id=item.id,
        award_id=item.award_id,
        award_reference=reference or "",
        indicator_code=indicator.code,
        name=o.Bilingual(es=indicator.name_es, en=indicator.name_en),
        unit=o.Bilingual(es=indicator.unit_es, en=indicator.unit_en),
        measure=indicator.measure,
        direction=indicator.direction,
        level=indicator.level,
        disaggregations=list(indicator.disaggregations or []),
        baseline_value=item.baseline_value,
        baseline_year=item.baseline_year,
        periods=rows,
    )
