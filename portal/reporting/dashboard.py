"""The finance dashboard's figures, aggregated in SQL in a fixed number of statements.

Definitions (the ledger exports use the same ones, so their totals equal the screen's):

- *committed*: SUM(awards.amount) of the active awards in scope, by award currency;
- *disbursed*: SUM(disbursements.award_amount) of those awards with ``paid_on`` in the
  period, by ``award_currency`` (signed entries: net of reversals);
- *remaining*: committed − every disbursement up to the end of the period (to date when the
  period is open);
- *co-finance committed*: the agreements' CofinanceCommitment amounts (award currency), cost
  share and leverage;
- *co-finance reported / verified / rejected*: SUM(cofinance_contributions.amount) by currency
  and status with ``contributed_on`` in the period; rejected contributions never count;
- *leverage ratio* (per currency, never across currencies): co-finance ÷ programme funds
  committed to the same grants, committed-based (commitments) and verified-based
  (contributions verified in the period). By co-financier type each type's co-finance is
  divided by all the programme funds of that currency, so the types add up to the total.

Statements: committed, disbursed, programme funds by state, commitments, contributions, the
exchange rate, then the watch lists (``watchlists.py``): overdue and due-soon milestones,
waiting payment requests, late grants, co-finance shortfalls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, true

from portal.applications.budget import ratio as budget_ratio
from portal.applications.constants import ContributorType
from portal.awards.models import Award, CofinanceCommitment
from portal.calls.models import Call, Programme
from portal.core.db import db
from portal.core.i18n import current_language
from portal.finance import deadlines
from portal.finance.models import CofinanceContribution, Disbursement
from portal.finance.summaries import AwardFinanceSummary
from portal.organisations.mexican_states import state_name
from portal.organisations.models import Organisation
from portal.reporting import watchlists
from portal.reporting.filters import ReportFilter, award_scope, in_period
from portal.reporting.operations import BASE, QUOTE, latest_rate_query
from portal.reporting.watchlists import Listing, RiskItem, RiskList

ZERO = Decimal("0")
CENT = Decimal("0.01")
CURRENCIES = ("MXN", "USD")
UNASSIGNED = "unassigned"


def currency_key(code: str) -> tuple[int, str]:
    return (CURRENCIES.index(code) if code in CURRENCIES else len(CURRENCIES), code)


# Figures --------------------------------------------------------------------------------------
@dataclass
class Funds:
    """Programme money of one group in one currency."""

    currency: str
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO  # in the period
    disbursed_to_end: Decimal = ZERO  # everything up to the end of the period
    grants: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.committed - self.disbursed_to_end

    def add(self, other: Funds) -> None:
        self.committed += other.committed
        self.disbursed += other.disbursed
        self.disbursed_to_end += other.disbursed_to_end
        self.grants += other.grants


@dataclass
class FundsRow:
    key: int
    label: str
    detail: str  # a call's programme
    funds: Funds


@dataclass
class Cofinance:
    """Co-finance of one group in one currency, next to the programme funds it levers."""

    currency: str
    programme_funds: Decimal = ZERO
    committed_cost_share: Decimal = ZERO
    committed_leverage: Decimal = ZERO
    reported: Decimal = ZERO  # in the period, not verified yet
    verified: Decimal = ZERO  # in the period
    verified_cost_share: Decimal = ZERO
    rejected: Decimal = ZERO  # in the period; never counted

    @property
    def committed(self) -> Decimal:
        return self.committed_cost_share + self.committed_leverage

    @property
    def counted(self) -> Decimal:
        """Reported and verified: everything not rejected."""
        return self.reported + self.verified

    @property
    def ratio_committed(self) -> Decimal | None:
        return ratio(self.committed, self.programme_funds)

    @property
    def ratio_verified(self) -> Decimal | None:
        return ratio(self.verified, self.programme_funds)


@dataclass
class CofinanceRow:
    key: str
    label: str
    figures: Cofinance


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """The portal's one ratio (half up), to two places here."""
    return budget_ratio(part, whole, CENT)


@dataclass
class Conversion:
    """USD amounts converted to MXN at one stored rate (``rate`` is an ExchangeRate)."""

    rate: object
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal
    cofinance_committed: Decimal
    cofinance_verified: Decimal


@dataclass
class Dashboard:
    filter: ReportFilter
    today: date
    period_end: date
    totals: dict[str, Funds] = field(default_factory=dict)
    calls: list[FundsRow] = field(default_factory=list)
    programmes: list[FundsRow] = field(default_factory=list)
    cofinance: dict[str, Cofinance] = field(default_factory=dict)
    by_state: dict[str, list[CofinanceRow]] = field(default_factory=dict)
    by_type: dict[str, list[CofinanceRow]] = field(default_factory=dict)
    rate: object | None = None
    conversion: Conversion | None = None
    overdue: Listing = field(default_factory=lambda: Listing([]))
    due_soon: Listing = field(default_factory=lambda: Listing([]))
    requests: Listing = field(default_factory=lambda: Listing([]))
    risks: RiskList = field(default_factory=lambda: RiskList([]))
    sla_days: int = 10

    @property
    def currencies(self) -> list[str]:
        return sorted(self.totals, key=currency_key)

    @property
    def needs_conversion(self) -> bool:
        return len(self.totals) > 1

    @property
    def at_risk(self) -> list[RiskItem]:
        return self.risks.items


# Building -------------------------------------------------------------------------------------
def build(f: ReportFilter, user) -> Dashboard:
    today = deadlines.today()
    board = Dashboard(
        filter=f,
        today=today,
        period_end=f.date_to or today,
        sla_days=int(current_app.config.get("FINANCE_REQUEST_SLA_DAYS", 10)),
    )
    scope = award_scope(f, user).subquery("scope")
    _funds(board, scope, f)
    _cofinance(board, scope, f)
    board.rate = db.session.scalar(latest_rate_query(board.period_end))
    if board.rate is not None and board.needs_conversion:
        board.conversion = _convert(board, board.rate.rate)
    board.overdue = watchlists.milestones(
        scope, f, deadlines.overdue_condition(today), today, late=True
    )
    board.due_soon = watchlists.milestones(
        scope, f, deadlines.due_soon_condition(today), today, late=False
    )
    board.requests = watchlists.requests(scope, board.sla_days)
    board.risks = watchlists.at_risk(scope, today)
    return board


def _programme_name():
    return Programme.name_en if current_language() == "en" else Programme.name_es


def _funds(board: Dashboard, scope, f: ReportFilter) -> None:
    name = _programme_name()
    committed = db.session.execute(
        select(
            Award.call_id,
            Call.code,
            Award.programme_id,
            name.label("programme"),
            Award.currency,
            func.count(Award.id),
            func.sum(Award.amount),
        )
        .select_from(Award)
        .join(scope, scope.c.id == Award.id)
        .join(Call, Call.id == Award.call_id)
        .join(Programme, Programme.id == Award.programme_id)
        .group_by(Award.call_id, Call.code, Award.programme_id, name, Award.currency)
    ).all()
    paid = db.session.execute(_paid_query(scope, f)).all()
    calls: dict[tuple, FundsRow] = {}
    programme_of: dict[int, tuple[int, str]] = {}
    for call_id, code, programme_id, programme, currency, count, amount in committed:
        funds = Funds(currency, committed=Decimal(amount or 0), grants=count)
        calls[(call_id, currency)] = FundsRow(call_id, code, programme, funds)
        programme_of[call_id] = (programme_id, programme)
    for call_id, currency, in_window, up_to_end in paid:
        row = calls.get((call_id, currency))
        if row is None:  # an award paid in another currency than its own: never happens
            continue
        row.funds.disbursed = Decimal(in_window)
        row.funds.disbursed_to_end = Decimal(up_to_end)
    programmes: dict[tuple, FundsRow] = {}
    for (call_id, currency), row in calls.items():
        programme_id, programme = programme_of[call_id]
        target = programmes.setdefault(
            (programme_id, currency), FundsRow(programme_id, programme, "", Funds(currency))
        )
        target.funds.add(row.funds)
        board.totals.setdefault(currency, Funds(currency)).add(row.funds)
    board.calls = sorted(
        calls.values(), key=lambda r: (r.detail, r.label, currency_key(r.funds.currency))
    )
    board.programmes = sorted(
        programmes.values(), key=lambda r: (r.label, currency_key(r.funds.currency))
    )


def _paid_query(scope, f: ReportFilter):
    """Net disbursed per call and currency: in the period and up to its end. Without a period
    both are everything, read from the per-award summaries (``portal.finance.summaries``)
    rather than the whole ledger."""
    if f.date_from is None and f.date_to is None:
        s = AwardFinanceSummary
        total = func.coalesce(func.sum(s.disbursed), 0)
        return (
            select(Award.call_id, Award.currency, total, total)
            .select_from(s)
            .join(Award, Award.id == s.award_id)
            .join(scope, scope.c.id == Award.id)
            .group_by(Award.call_id, Award.currency)
        )
    to_end = Disbursement.paid_on <= f.date_to if f.date_to else true()
    return (
        select(
            Award.call_id,
            Disbursement.award_currency,
            func.coalesce(
                func.sum(case((in_period(Disbursement.paid_on, f), Disbursement.award_amount))),
                0,
            ),
            func.coalesce(func.sum(case((to_end, Disbursement.award_amount))), 0),
        )
        .select_from(Disbursement)
        .join(scope, scope.c.id == Disbursement.award_id)
        .join(Award, Award.id == Disbursement.award_id)
        .group_by(Award.call_id, Disbursement.award_currency)
    )


def _cofinance(board: Dashboard, scope, f: ReportFilter) -> None:
    """Commitments and contributions by (state, co-financier type, currency)."""
    k, c = CofinanceCommitment, CofinanceContribution
    funds_by_state = db.session.execute(
        select(Organisation.state_code, Award.currency, func.sum(Award.amount))
        .select_from(Award)
        .join(scope, scope.c.id == Award.id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .group_by(Organisation.state_code, Award.currency)
    ).all()
    commitments = db.session.execute(
        select(
            Organisation.state_code,
            k.contributor_type,
            Award.currency,
            k.counts_as,
            func.sum(k.amount),
        )
        .select_from(k)
        .join(scope, scope.c.id == k.award_id)
        .join(Award, Award.id == k.award_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .group_by(Organisation.state_code, k.contributor_type, Award.currency, k.counts_as)
    ).all()
    contributions = db.session.execute(
        select(
            Organisation.state_code,
            k.contributor_type,
            c.currency,
            c.status,
            c.counts_as,
            func.sum(c.amount),
        )
        .select_from(c)
        .join(scope, scope.c.id == c.award_id)
        .join(Award, Award.id == c.award_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .outerjoin(k, k.id == c.commitment_id)
        .where(in_period(c.contributed_on, f))
        .group_by(Organisation.state_code, k.contributor_type, c.currency, c.status, c.counts_as)
    ).all()

    states: dict[tuple, Cofinance] = {}
    types: dict[tuple, Cofinance] = {}

    def cells(state, kind, currency):
        kind = kind if kind in set(ContributorType) else UNASSIGNED
        total = board.cofinance.setdefault(currency, Cofinance(currency))
        by_state = states.setdefault((state, currency), Cofinance(currency))
        by_type = types.setdefault((kind, currency), Cofinance(currency))
        return total, by_state, by_type

    for state, currency, amount in funds_by_state:
        board.cofinance.setdefault(currency, Cofinance(currency)).programme_funds += Decimal(amount)
        states.setdefault((state, currency), Cofinance(currency)).programme_funds += Decimal(amount)
    for state, kind, currency, counts_as, amount in commitments:
        for target in cells(state, kind, currency):
            if counts_as == "cost_share":
                target.committed_cost_share += Decimal(amount)
            else:
                target.committed_leverage += Decimal(amount)
    for state, kind, currency, status, counts_as, amount in contributions:
        for target in cells(state, kind, currency):
            if status == "verified":
                target.verified += Decimal(amount)
                if counts_as == "cost_share":
                    target.verified_cost_share += Decimal(amount)
            elif status == "rejected":
                target.rejected += Decimal(amount)
            else:
                target.reported += Decimal(amount)
    for (_kind, currency), figures in types.items():
        figures.programme_funds = board.cofinance[currency].programme_funds
    for (state, currency), figures in sorted(states.items(), key=lambda i: state_name(i[0][0])):
        board.by_state.setdefault(currency, []).append(
            CofinanceRow(state, state_name(state), figures)
        )
    order = [t.value for t in ContributorType] + [UNASSIGNED]
    for (kind, currency), figures in sorted(types.items(), key=lambda i: order.index(i[0][0])):
        board.by_type.setdefault(currency, []).append(CofinanceRow(kind, type_label(kind), figures))


def type_label(kind: str):
    if kind == UNASSIGNED:
        return _l("Unassigned (no commitment)")
    return ContributorType(kind).label


def convert(amount: Decimal, currency: str, rate: Decimal) -> Decimal:
    """An amount in MXN: USD times the rate, rounded to the cent."""
    if currency == QUOTE:
        return Decimal(amount)
    if currency == BASE:
        return (Decimal(amount) * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)
    raise ValueError(currency)


def _convert(board: Dashboard, rate: Decimal) -> Conversion:
    def total(values) -> Decimal:
        return sum((convert(v, cur, rate) for cur, v in values), ZERO)

    funds, co = board.totals.values(), board.cofinance.values()
    return Conversion(
        rate=board.rate,
        committed=total((x.currency, x.committed) for x in funds),
        disbursed=total((x.currency, x.disbursed) for x in funds),
        remaining=total((x.currency, x.remaining) for x in funds),
        cofinance_committed=total((x.currency, x.committed) for x in co),
        cofinance_verified=total((x.currency, x.verified) for x in co),
    )
