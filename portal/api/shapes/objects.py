"""The objects the API returns: one definition serialises them (``model_dump(mode="json")``)
and documents them (``model_json_schema``, in ``portal.api.shapes.component_schemas``).

The class docstrings are the schemas' descriptions: developer documentation, in English.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from portal.accounts.roles import Role
from portal.api.shapes.wire import (
    Bilingual,
    CountsAs,
    Currency,
    Day,
    Figure,
    Id,
    Instant,
    Money,
    Nature,
    Percent,
    Rate,
    Shape,
)
from portal.awards.amendments.constants import AmendmentStatus, ChangeKind
from portal.awards.constants import AwardStatus, MilestoneStatus
from portal.calls.constants import CallStatus, Instrument
from portal.finance.constants import ContributionStatus, Kind
from portal.organisations.models import MemberRole
from portal.reports.constants import ReportKind
from portal.results.constants import ActualStatus, Dimension, Direction, IndicatorLevel, Measure


# Calls ------------------------------------------------------------------------------------------
class CallProgramme(Shape):
    """The programme (fund) the call belongs to."""

    id: Id
    name: Bilingual
    donor: str
    currency: Currency


class Call(Shape):
    """A call for proposals."""

    id: Id
    code: str = Field(description="e.g. CONV-2026-01")
    status: CallStatus
    is_open: bool = Field(description="Accepting applications now.")
    title: Bilingual
    description: Bilingual
    programme: CallProgramme
    currency: Currency
    budget: Money | None
    min_award: Money | None
    max_award: Money | None
    cofinance_min_pct: Percent = Field(
        description="Minimum co-finance, % of the total project cost (two places)."
    )
    in_kind_counts_as_cofinance: bool
    instruments: list[Instrument]
    applicant_kinds: list[str]
    all_states: bool
    state_codes: list[str] = Field(
        description="Eligible states (INEGI state codes, 01–32) when all_states is false."
    )
    thematic_areas: list[Bilingual]
    timezone: str = Field(description="IANA zone the deadlines were set in.")
    opens_dt: Instant | None
    closes_dt: Instant | None
    published_dt: Instant | None
    closed_dt: Instant | None


# Awards -----------------------------------------------------------------------------------------
class Milestone(Shape):
    """A milestone (fixed amount award) or tranche of the payment schedule."""

    id: Id
    position: int = Field(ge=0, strict=True)
    deliverable: str
    due_date: Day
    amount: Money
    currency: Currency
    status: MilestoneStatus


class Commitment(Shape):
    """A co-finance commitment written into the agreement (award currency)."""

    id: Id
    contributor_name: str
    contributor_type: str = Field(description="Kind of co-financier, e.g. state_institution.")
    nature: Nature
    counts_as: CountsAs
    amount: Money
    currency: Currency


class CofinanceFigures(Shape):
    """Co-finance committed in the agreement, reported (not rejected) and verified."""

    committed_cost_share: Money
    committed_leverage: Money
    reported_cost_share: Money
    verified_cost_share: Money
    reported_leverage: Money
    verified_leverage: Money


class Figures(Shape):
    """Money figures of an active grant, in the award's currency."""

    currency: Currency
    committed: Money
    disbursed: Money = Field(description="Net of reversals.")
    remaining: Money
    cofinance: CofinanceFigures


class AwardCall(Shape):
    """The call."""

    id: Id
    code: str


class AwardOrganisation(Shape):
    """The grantee organisation."""

    id: Id
    name: str
    rfc: str = Field(description="Mexican tax id (RFC) of the organisation.")
    state_code: str = Field(description="INEGI state code.")


class Amendment(Shape):
    """A submitted amendment of the award (issue 15): its kinds of change and, for the amount
    and the end date, the values before and after. It changes the award only once in effect
    (signed by both parties); the award's own fields are always the current version. Bank
    account numbers are never given."""

    number: int = Field(ge=1, strict=True)
    status: AmendmentStatus
    kinds: list[ChangeKind]
    submitted_dt: Instant | None
    decided_dt: Instant | None
    amount_before: Money | None
    amount_after: Money | None
    end_date_before: Day | None
    end_date_after: Day | None


class Award(Shape):
    """An award (a grant once its agreement is signed by both parties: status active)."""

    id: Id
    reference: str = Field(description="The application's reference, e.g. CONV-2026-01-0002.")
    title: str
    status: AwardStatus
    instrument: Instrument
    amount: Money
    currency: Currency
    start_date: Day | None
    end_date: Day | None
    advance_limit: Money | None = Field(
        description="Advances allowed in all, in the award's currency; null: no advance."
    )
    decided_dt: Instant
    call: AwardCall
    programme_id: Id
    organisation: AwardOrganisation
    milestones: list[Milestone]
    cofinance_commitments: list[Commitment]
    figures: Figures | None = Field(description="null until the award is active.")
    amendments: list[Amendment] = Field(
        description="The award's history of amendments, oldest first (drafts are not shown)."
    )


# Ledger and co-finance ----------------------------------------------------------------------------
class Disbursement(Shape):
    """One row of the append-only disbursement ledger. Reversals and refunds (unspent funds the
    grantee returned) carry negative amounts, so the sum of award_amount is the net paid. No
    bank account number is ever given: only the last four digits of the CLABE."""

    id: Id
    award_id: Id
    award_reference: str
    kind: Kind = Field(
        description="A reversal undoes an earlier payment or advance; a refund records unspent "
        "funds returned by the grantee."
    )
    reverses_id: Id | None = Field(description="The entry a reversal undoes.")
    advance_id: Id | None = Field(description="The advance a refund settles (part of), if any.")
    milestone_id: Id | None
    payment_request_id: Id | None
    paid_on: Day
    amount: Money = Field(description="Signed amount as paid, in currency.")
    currency: Currency
    exchange_rate: Rate | None
    rate_source: str | None = Field(description="e.g. banxico_fix, bank, dof, other.")
    award_amount: Money = Field(description="Signed amount in award_currency.")
    award_currency: Currency
    bank_reference: str = Field(
        description="The transfer's reference, as on the grant's page; the account's CLABE, "
        "if it was typed into the reference, is replaced by ••••."
    )
    clabe_last4: Annotated[str, Field(pattern=r"^[0-9]{4}$")] | None
    recorded_dt: Instant


class Contribution(Shape):
    """A co-finance contribution reported by the grantee (award currency)."""

    id: Id
    award_id: Id
    award_reference: str
    commitment_id: Id | None
    contributor_name: str
    nature: Nature
    counts_as: CountsAs
    amount: Money
    currency: Currency
    valuation_basis: str | None = Field(description="How an in-kind contribution was valued.")
    contributed_on: Day
    status: ContributionStatus
    reason: str | None = Field(description="Given with the verification or rejection.")
    reported_dt: Instant
    decided_dt: Instant | None = Field(description="Verified or rejected at.")


# Results indicators ------------------------------------------------------------------------------
class ResultBreakdown(Shape):
    """The value of one category of a dimension (e.g. sex: women). For counts, the values of
    a dimension add up to the period's actual. Aggregates only: never personal data."""

    dimension: Dimension
    category: str = Field(
        description="sex: women, men, non_binary, not_stated; age_group: 0-17, 18-29, 30-59, "
        "60+, not_stated; state: the INEGI code (19 = Nuevo León); institution_type: "
        "prosecution, judiciary, public_defence, adr_centre, police, other."
    )
    value: Figure


class ResultPeriod(Shape):
    """One progress report's period: the target set for it and the value reported."""

    report_id: Id
    report_kind: ReportKind
    period_start: Day
    period_end: Day
    target: Figure | None
    actual: Figure | None = Field(description="null until the grantee reports it.")
    actual_status: ActualStatus | None = Field(
        description="reported, then verified or questioned by the programme's staff."
    )
    breakdown: list[ResultBreakdown]


class Result(Shape):
    """One results indicator of a grant: the programme's indicator, the grant's baseline and
    each progress report's target and actual."""

    id: Id
    award_id: Id
    award_reference: str
    indicator_code: str
    name: Bilingual
    unit: Bilingual
    measure: Measure = Field(
        description="count (adds up across grants and periods), percentage (0-100) or average."
    )
    direction: Direction
    level: IndicatorLevel
    disaggregations: list[Dimension]
    baseline_value: Figure | None
    baseline_year: int | None
    periods: list[ResultPeriod]


# The token's user -------------------------------------------------------------------------------
class Membership(Shape):
    """A membership."""

    id: Id
    name: str
    role: MemberRole
    is_signatory: bool


class MeToken(Shape):
    """The token used for this request."""

    id: Id
    name: str
    prefix: str = Field(description="First characters of the secret, to recognise it.")
    created_dt: Instant
    expires_dt: Instant


class Me(Shape):
    """The token's user, as the API sees them now."""

    id: Id
    email: str
    full_name: str
    roles: list[Role]
    organisations: list[Membership]
    token: MeToken
