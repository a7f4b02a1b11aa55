"""The dashboard's watch lists: overdue and due-soon milestone reports, payment requests
waiting on staff, and grants at risk (late report, co-finance shortfall).

One statement per list whatever the number of grants; each is capped at ``LIST_LIMIT`` rows
and carries its full count (``COUNT(*) OVER ()``). ``scope`` is the subquery of the award ids
in scope (``filters.award_scope``). Due-soon and overdue follow ``portal.finance.deadlines``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from portal.applications.models import Application
from portal.awards.models import Award, Milestone
from portal.core.db import db, now_utc
from portal.finance import deadlines
from portal.finance.constants import RequestStatus
from portal.finance.figures import GrantFigures
from portal.finance.models import PaymentRequest
from portal.finance.summaries import AwardFinanceSummary
from portal.organisations.models import Organisation
from portal.reporting.filters import ReportFilter, in_period

ZERO = Decimal("0")
LIST_LIMIT = 50
WAITING = (
    RequestStatus.SUBMITTED.value,
    RequestStatus.DELIVERABLE_APPROVED.value,
    RequestStatus.PAYMENT_APPROVED.value,
)


@dataclass
class MilestoneItem:
    milestone_id: int
    award_id: int
    reference: str
    title: str
    organisation: str
    deliverable: str
    due_date: date
    amount: Decimal
    currency: str
    days: int  # late (overdue) or left (due soon)


@dataclass
class RequestItem:
    request_id: int
    award_id: int
    reference: str
    organisation: str
    status: RequestStatus
    amount: Decimal
    currency: str
    since: datetime | None
    days_waiting: int
    overdue: bool


@dataclass
class RiskItem:
    award_id: int
    reference: str
    title: str
    organisation: str
    late_reports: int = 0
    oldest_due: date | None = None
    days_late: int = 0
    shortfall: GrantFigures | None = None
    # Financial report variance above REPORT_VARIANCE_FLAG_PCT (portal.closeout.expenditure).
    variance: object | None = None


@dataclass
class Listing:
    items: list
    total: int = 0
    overdue: int = 0  # payment requests past the service level

    @property
    def truncated(self) -> bool:
        return self.total > len(self.items)


@dataclass
class RiskList:
    items: list[RiskItem]
    late_total: int = 0
    shortfall_total: int = 0
    variance_total: int = 0


def milestones(scope, f: ReportFilter, condition, today: date, *, late: bool) -> Listing:
    rows = db.session.execute(
        select(
            Milestone.id,
            Award.id,
            Application.reference,
            Application.title,
            Organisation.legal_name,
            Milestone.deliverable,
            Milestone.due_date,
            Milestone.amount,
            Milestone.currency,
            func.count().over(),
        )
        .select_from(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .join(scope, scope.c.id == Award.id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(condition, in_period(Milestone.due_date, f))
        .order_by(Milestone.due_date, Milestone.id)
        .limit(LIST_LIMIT)
    ).all()
    items = [
        MilestoneItem(
            milestone_id=r[0],
            award_id=r[1],
            reference=r[2] or "",
            title=r[3] or "",
            organisation=r[4],
            deliverable=r[5],
            due_date=r[6],
            amount=r[7],
            currency=r[8],
            days=deadlines.days_late(r[6], today) if late else (r[6] - today).days,
        )
        for r in rows
    ]
    return Listing(items, total=rows[0][-1] if rows else 0)


def requests(scope, sla_days: int) -> Listing:
    """Payment requests waiting on staff, the longest-waiting first."""
    p = PaymentRequest
    since = case(
        (p.status == RequestStatus.SUBMITTED.value, p.certified_dt),
        (p.status == RequestStatus.DELIVERABLE_APPROVED.value, p.deliverable_dt),
        else_=p.payment_dt,
    )
    now = now_utc()
    cutoff = now - timedelta(days=sla_days)
    rows = db.session.execute(
        select(
            p.id,
            Award.id,
            Application.reference,
            Organisation.legal_name,
            p.status,
            p.amount,
            p.currency,
            since.label("since"),
            func.count().over(),
            func.sum(case((since < cutoff, 1), else_=0)).over(),
        )
        .select_from(p)
        .join(Award, Award.id == p.award_id)
        .join(scope, scope.c.id == Award.id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(p.status.in_(WAITING))
        .order_by(since, p.id)
        .limit(LIST_LIMIT)
    ).all()
    items = []
    for r in rows:
        waited = (now - r[7]).days if r[7] else 0
        items.append(
            RequestItem(
                request_id=r[0],
                award_id=r[1],
                reference=r[2] or "",
                organisation=r[3],
                status=RequestStatus(r[4]),
                amount=r[5],
                currency=r[6],
                since=r[7],
                days_waiting=waited,
                overdue=r[7] is not None and r[7] < cutoff,
            )
        )
    return Listing(items, total=rows[0][8] if rows else 0, overdue=int(rows[0][9]) if rows else 0)


def at_risk(scope, today: date) -> RiskList:
    """Grants with a late report (an overdue milestone, whatever the period) or a co-finance
    shortfall (``GrantFigures.shortfall``: verified ÷ committed cost share < disbursed ÷ award,
    all to date)."""
    late = db.session.execute(
        select(
            Award.id,
            Application.reference,
            Application.title,
            Organisation.legal_name,
            func.count(Milestone.id),
            func.min(Milestone.due_date),
            func.count().over(),
        )
        .select_from(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .join(scope, scope.c.id == Award.id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(deadlines.overdue_condition(today))
        .group_by(Award.id, Application.reference, Application.title, Organisation.legal_name)
        .order_by(func.min(Milestone.due_date), Award.id)
        .limit(LIST_LIMIT)
    ).all()
    risks: dict[int, RiskItem] = {}
    result = RiskList([])
    for award_id, reference, title, organisation, count, oldest, total in late:
        risks[award_id] = RiskItem(
            award_id,
            reference or "",
            title or "",
            organisation,
            late_reports=count,
            oldest_due=oldest,
            days_late=deadlines.days_late(oldest, today),
        )
        result.late_total = total
    for row in _shortfalls(scope):
        figures = GrantFigures(
            row.id,
            row.reference or "",
            row.title or "",
            row.currency,
            row.amount,
            disbursed=Decimal(row.paid),
            committed_cost_share=Decimal(row.committed),
            verified_cost_share=Decimal(row.verified),
        )
        result.shortfall_total = row.total
        if not figures.shortfall:  # SQLite's REAL arithmetic at the exact boundary
            continue
        item = risks.setdefault(
            row.id, RiskItem(row.id, row.reference or "", row.title or "", row.organisation)
        )
        item.shortfall = figures
    _variances(scope, risks, result)
    result.items = sorted(risks.values(), key=lambda r: r.reference)
    return result


def _variances(scope, risks: dict[int, RiskItem], result: RiskList) -> None:
    """Grants whose latest financial report departs from the budget beyond the threshold."""
    from portal.closeout.expenditure import variance_flags

    flags = variance_flags(scope)
    result.variance_total = len(flags)
    missing = [award_id for award_id in flags if award_id not in risks]
    if missing:
        rows = db.session.execute(
            select(Award.id, Application.reference, Application.title, Organisation.legal_name)
            .join(Application, Application.id == Award.application_id)
            .join(Organisation, Organisation.id == Award.organisation_id)
            .where(Award.id.in_(missing))
        )
        for award_id, reference, title, organisation in rows:
            risks[award_id] = RiskItem(award_id, reference or "", title or "", organisation)
    for award_id, flag in flags.items():
        if award_id in risks:
            risks[award_id].variance = flag


def _shortfalls(scope):
    """Grants whose verified cost share trails the disbursements, read from the per-award
    summaries (``portal.finance.summaries``, kept equal to the ledger): one pass over at most
    one summary row per award in scope, no per-grant subquery."""
    s = AwardFinanceSummary
    return db.session.execute(
        select(
            Award.id,
            Application.reference,
            Application.title,
            Organisation.legal_name.label("organisation"),
            Award.currency,
            Award.amount,
            s.committed_cost_share.label("committed"),
            s.disbursed.label("paid"),
            s.cost_share_verified.label("verified"),
            func.count().over().label("total"),
        )
        .select_from(s)
        .join(Award, Award.id == s.award_id)
        .join(scope, scope.c.id == Award.id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(
            s.committed_cost_share > 0,
            Award.amount > 0,
            s.cost_share_verified * Award.amount < s.disbursed * s.committed_cost_share,
        )
        .order_by(Application.reference, Award.id)
        .limit(LIST_LIMIT)
    ).all()
