"""The financial report's figures: expenditure by budget category against the current
(amended) budget, and co-finance actuals against the commitments.

Per category (award currency): the approved budget (``budget_of``: the realigned budget when
an amendment realigned it), spent in this report's period (``ReportExpenditure``), spent to date
(this report plus the earlier financial reports submitted or approved), remaining, and the
variance: spent to date against what the budget plans to date. The plan to date is the budget
times the share of the grant's term elapsed at the end of the period (the whole budget for the
final financial report, or when the term is unknown). Variance = spent to date − planned to
date, in money and as a percentage of the plan; above ``REPORT_VARIANCE_FLAG_PCT`` either way
(or any spending where nothing was planned, or spending beyond the budget) the category is
flagged for staff and the grant appears on the finance dashboard's "at risk" list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications.constants import BudgetCategory
from portal.audit.operations import record
from portal.awards.amendments.budget import budget_of
from portal.awards.closure import refuse_if_closed
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import permissions as finance_permissions
from portal.finance.models import CofinanceContribution
from portal.reports.constants import EDITABLE_REPORT, ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportExpenditure

ZERO = Decimal("0")
CENT = Decimal("0.01")
COUNTED = (ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value)
FINANCIAL = (ReportKind.FINANCIAL.value, ReportKind.FINAL_FINANCIAL.value)


def threshold() -> Decimal:
    return Decimal(str(current_app.config.get("REPORT_VARIANCE_FLAG_PCT", 10)))


def is_financial(report) -> bool:
    return ReportKind(report.kind).is_financial


@dataclass
class CategoryRow:
    category: str
    label: str
    budget: Decimal
    this_period: Decimal
    to_date: Decimal
    planned: Decimal
    note: str = ""

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.to_date

    @property
    def variance(self) -> Decimal:
        return self.to_date - self.planned

    @property
    def variance_pct(self) -> Decimal | None:
        if self.planned <= 0:
            return None
        return (self.variance / self.planned * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def flagged(self, limit: Decimal) -> bool:
        if self.to_date > self.budget:
            return True
        if self.planned <= 0:
            return self.to_date > 0
        return abs(self.variance_pct) > limit


@dataclass
class CofinanceRow:
    contributor: str
    counts_as: str
    committed: Decimal
    reported: Decimal = ZERO
    verified: Decimal = ZERO


@dataclass
class Figures:
    report: GrantReport
    currency: str
    share_elapsed: Decimal
    limit: Decimal
    rows: list[CategoryRow] = field(default_factory=list)
    cofinance: list[CofinanceRow] = field(default_factory=list)
    entered: bool = False

    def total(self, attribute: str) -> Decimal:
        return sum((getattr(r, attribute) for r in self.rows), ZERO)

    @property
    def flagged(self) -> list[CategoryRow]:
        return [r for r in self.rows if r.flagged(self.limit)]


def share_elapsed(award, period_end: date, kind: str) -> Decimal:
    """The share of the grant's term elapsed at ``period_end`` (0–1; 1 for final reports)."""
    if kind == ReportKind.FINAL_FINANCIAL.value or not (award.start_date and award.end_date):
        return Decimal("1")
    term = (award.end_date - award.start_date).days + 1
    done = (period_end - award.start_date).days + 1
    return min(max(Decimal(done) / Decimal(term), ZERO), Decimal("1"))


def _spent(report) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, str]]:
    """This period's amounts and the amounts to date (earlier counted reports + this one)."""
    rows = db.session.execute(
        select(ReportExpenditure.report_id, ReportExpenditure.category, ReportExpenditure.amount)
        .join(GrantReport, GrantReport.id == ReportExpenditure.report_id)
        .where(
            GrantReport.award_id == report.award_id,
            GrantReport.kind.in_(FINANCIAL),
            GrantReport.period_end <= report.period_end,
            (GrantReport.id == report.id) | GrantReport.status.in_(COUNTED),
        )
    ).all()
    this, to_date = {}, {}
    for report_id, category, amount in rows:
        to_date[category] = to_date.get(category, ZERO) + amount
        if report_id == report.id:
            this[category] = amount
    notes = {e.category: e.note for e in report.expenditures}
    return this, to_date, notes


def figures(report) -> Figures:
    award = report.award
    share = share_elapsed(award, report.period_end, report.kind)
    result = Figures(report, award.currency, share, threshold())
    budget = budget_of(award)
    this, to_date, notes = _spent(report)
    result.entered = bool(this)
    for category in BudgetCategory:
        planned = (budget[category.value] * share).quantize(CENT, ROUND_HALF_UP)
        result.rows.append(
            CategoryRow(
                category.value,
                str(category.label),
                budget[category.value],
                this.get(category.value, ZERO),
                to_date.get(category.value, ZERO),
                planned,
                notes.get(category.value, ""),
            )
        )
    result.cofinance = cofinance_rows(award)
    return result


def cofinance_rows(award) -> list[CofinanceRow]:
    """Co-finance actuals (reported, verified) against each commitment of the agreement;
    contributions tied to no commitment are one more row."""
    by_commitment = {
        c.id: CofinanceRow(c.contributor_name, str(c.counts_as_label), c.amount)
        for c in award.commitments
    }
    loose = CofinanceRow(str(_l("Not tied to a commitment")), "", ZERO)
    contributions = db.session.scalars(
        select(CofinanceContribution).where(
            CofinanceContribution.award_id == award.id,
            CofinanceContribution.status != "rejected",
        )
    )
    for c in contributions:
        row = by_commitment.get(c.commitment_id, loose)
        row.reported += c.amount
        if c.status == "verified":
            row.verified += c.amount
    rows = list(by_commitment.values())
    return [*rows, loose] if loose.reported else rows


# Editing ---------------------------------------------------------------------------------------
def can_edit(report, user) -> bool:
    return bool(
        is_financial(report)
        and report.status in EDITABLE_REPORT
        and finance_permissions.can_prepare(report.award, user)
    )


def save(report, actor, amounts: dict[str, Decimal | None], notes: dict[str, str]) -> None:
    """Record the period's expenditure per category (every category; zero when nothing was
    spent). Refused on a closed grant, a report not editable, or a bad amount."""
    refuse_if_closed(report.award)
    if not is_financial(report):
        raise InputError({"": [_l("Only financial reports carry expenditure.")]})
    if report.status not in EDITABLE_REPORT:
        raise InputError({"": [_l("This report can no longer be changed.")]})
    if not finance_permissions.can_prepare(report.award, actor):
        raise InputError({"": [_l("Only the organisation's owners and editors enter this.")]})
    errors: dict = {}
    for category in BudgetCategory:
        value = amounts.get(category.value)
        if value is None:
            errors[category.value] = [_l("Enter an amount (0 when nothing was spent).")]
        elif not value.is_finite() or value < 0:
            errors[category.value] = [_l("The amount cannot be negative.")]
        elif value != value.quantize(CENT):
            errors[category.value] = [_l("Amounts have at most two decimals.")]
    if errors:
        raise InputError(errors)
    existing = {e.category: e for e in report.expenditures}
    before = {c: str(e.amount) for c, e in existing.items()}
    for category in BudgetCategory:
        row = existing.get(category.value)
        if row is None:
            row = ReportExpenditure(category=category.value, amount=ZERO)
            report.expenditures.append(row)
        row.amount = amounts[category.value]
        row.note = (notes.get(category.value) or "").strip()[:2000]
    db.session.flush()
    record(
        "report.expenditure_entered",
        report,
        changes={
            "before": before,
            "after": {c.value: str(amounts[c.value]) for c in BudgetCategory},
        },
        organisation_id=report.award.organisation_id,
    )


# The dashboard's "at risk" list ------------------------------------------------------------------
@dataclass
class VarianceFlag:
    award_id: int
    period_end: date
    categories: list[tuple[str, Decimal | None]]  # (label, variance %) of flagged categories


def variance_flags(scope) -> dict[int, VarianceFlag]:
    """For the awards in ``scope`` (a subquery of award ids): the flagged categories of each
    award's latest financial report submitted or approved, active grants only (a closed grant's
    figures are final). Three statements at most, whatever
    the number of grants (reports and expenditure; awards; budgets)."""
    from portal.applications.models import BudgetLine
    from portal.awards.amendments.budget import AwardBudgetLine
    from portal.awards.constants import AwardStatus
    from portal.awards.models import Award

    rows = db.session.execute(
        select(
            GrantReport.award_id,
            GrantReport.kind,
            GrantReport.period_end,
            ReportExpenditure.category,
            ReportExpenditure.amount,
        )
        .join(ReportExpenditure, ReportExpenditure.report_id == GrantReport.id)
        .join(scope, scope.c.id == GrantReport.award_id)
        .join(Award, Award.id == GrantReport.award_id)
        .where(
            GrantReport.kind.in_(FINANCIAL),
            GrantReport.status.in_(COUNTED),
            Award.status == AwardStatus.ACTIVE.value,  # a closed grant is no longer at risk
        )
    ).all()
    if not rows:
        return {}
    latest: dict[int, tuple[date, str]] = {}
    for award_id, kind, period_end, _c, _a in rows:
        if award_id not in latest or period_end > latest[award_id][0]:
            latest[award_id] = (period_end, kind)
    spent: dict[int, dict[str, Decimal]] = {}
    for award_id, _k, period_end, category, amount in rows:
        if period_end <= latest[award_id][0]:
            per = spent.setdefault(award_id, {})
            per[category] = per.get(category, ZERO) + amount
    ids = list(latest)
    awards = {
        a.id: a
        for a in db.session.execute(
            select(Award.id, Award.application_id, Award.start_date, Award.end_date).where(
                Award.id.in_(ids)
            )
        )
    }
    budgets: dict[int, dict[str, Decimal]] = {}
    for award_id, category, amount in db.session.execute(
        select(AwardBudgetLine.award_id, AwardBudgetLine.category, AwardBudgetLine.amount).where(
            AwardBudgetLine.award_id.in_(ids)
        )
    ):
        budgets.setdefault(award_id, {})[category] = amount
    by_application = {a.application_id: a.id for a in awards.values() if a.id not in budgets}
    if by_application:
        for application_id, category, amount in db.session.execute(
            select(BudgetLine.application_id, BudgetLine.category, BudgetLine.requested).where(
                BudgetLine.application_id.in_(list(by_application))
            )
        ):
            per = budgets.setdefault(by_application[application_id], {})
            per[category] = per.get(category, ZERO) + Decimal(amount or 0)
    limit = threshold()
    found: dict[int, VarianceFlag] = {}
    for award_id, (period_end, kind) in latest.items():
        share = share_elapsed(awards[award_id], period_end, kind)
        flagged = []
        for category in BudgetCategory:
            budget = budgets.get(award_id, {}).get(category.value, ZERO)
            row = CategoryRow(
                category.value,
                str(category.label),
                budget,
                ZERO,
                spent[award_id].get(category.value, ZERO),
                (budget * share).quantize(CENT, ROUND_HALF_UP),
            )
            if row.flagged(limit):
                flagged.append((row.label, row.variance_pct))
        if flagged:
            found[award_id] = VarianceFlag(award_id, period_end, flagged)
    return found


# Extension points of the reports package ------------------------------------------------------
def submission_problems(report) -> list[str]:
    from portal.awards.closure import CLOSED_MESSAGE, is_closed

    problems = []
    if is_closed(report.award):
        problems.append(str(CLOSED_MESSAGE))
    if is_financial(report) and not report.expenditures:
        problems.append(str(_l("Enter the expenditure by budget category.")))
    return problems
