"""The closeout checklist of an award: what must be done before a grants manager closes it.

Items (each done or not, with who owes it):
- the final progress report and the final financial report approved (``GrantReport`` kinds
  ``final_progress`` / ``final_financial``), due ``end_date + call.final_report_days`` (2 CFR
  200.344: 120 days by default), shown with a countdown;
- the grantee signatory's final co-finance certification (``Closeout``);
- advances liquidated: no advance still outstanding (advance − liquidations − refunds);
- unspent funds refunded: for a cost-reimbursable grant, what was disbursed net is not more
  than the expenditure of its approved financial reports; for a fixed-amount (or in-kind)
  award, no advance left unliquidated;
- documents complete (confirmed by staff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.calls.constants import Instrument
from portal.core.db import db
from portal.finance import ledger
from portal.reports.constants import FINAL_REPORT_DAYS_DEFAULT, ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportExpenditure

ZERO = Decimal("0")
FINANCIAL_KINDS = (ReportKind.FINANCIAL.value, ReportKind.FINAL_FINANCIAL.value)


def today() -> date:
    """The programme's calendar day (tests pin it here)."""
    from portal.pdf.dates import programme_today

    return programme_today()


@dataclass
class Item:
    key: str
    label: str
    done: bool
    owed_by: str  # "grantee", "staff" or "finance"
    detail: str = ""


@dataclass
class Checklist:
    award: object
    items: list[Item] = field(default_factory=list)
    final_due: date | None = None
    days_left: int | None = None
    disbursed: Decimal = ZERO
    refunded: Decimal = ZERO
    approved_expenditure: Decimal = ZERO
    outstanding_advance: Decimal = ZERO

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def in_closeout(self) -> bool:
        """The end date has passed (the grant is in its closeout period)."""
        end = self.award.end_date
        return end is not None and end < today()

    def missing(self) -> list[str]:
        return [str(item.label) for item in self.items if not item.done]

    def owed_by(self, who: str) -> list[Item]:
        return [item for item in self.items if not item.done and item.owed_by == who]


def final_report_days(award) -> int:
    call = award.application.call
    return getattr(call, "final_report_days", None) or FINAL_REPORT_DAYS_DEFAULT


def final_due(award) -> date | None:
    """Final reports are due ``final_report_days`` after the end date (2 CFR 200.344(b))."""
    if award.end_date is None:
        return None
    return award.end_date + timedelta(days=final_report_days(award))


def final_reports(award) -> dict[str, GrantReport]:
    """The award's final reports by kind (the latest period when there are several)."""
    rows = db.session.scalars(
        select(GrantReport)
        .where(
            GrantReport.award_id == award.id,
            GrantReport.kind.in_(
                (ReportKind.FINAL_PROGRESS.value, ReportKind.FINAL_FINANCIAL.value)
            ),
        )
        .order_by(GrantReport.period_end)
    ).all()
    return {row.kind: row for row in rows}


def approved_expenditure(award_id: int) -> Decimal:
    """What the approved financial reports (periodic and final) say was spent, in all."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(ReportExpenditure.amount), 0))
        .join(GrantReport, GrantReport.id == ReportExpenditure.report_id)
        .where(
            GrantReport.award_id == award_id,
            GrantReport.kind.in_(FINANCIAL_KINDS),
            GrantReport.status == ReportStatus.APPROVED.value,
        )
    )
    return Decimal(total or 0)


def _report_item(key, label, report) -> Item:
    if report is None:
        detail = _l("Not in the reporting schedule yet.")
    else:
        detail = report.status_enum.label
    done = report is not None and report.status == ReportStatus.APPROVED.value
    return Item(key, label, done, "grantee", str(detail))


def checklist(award, closeout=None) -> Checklist:
    from portal.core.i18n import format_money

    result = Checklist(award=award)
    result.final_due = final_due(award)
    if result.final_due is not None:
        result.days_left = (result.final_due - today()).days
    reports = final_reports(award)
    result.disbursed = ledger.paid_on_award(award.id)
    result.refunded = ledger.refunded_on_award(award.id)
    result.outstanding_advance = ledger.outstanding_advances(award.id)
    result.approved_expenditure = approved_expenditure(award.id)
    money = lambda v: format_money(v, award.currency)  # noqa: E731
    certified = closeout is not None and closeout.cofinance_certified_dt is not None
    confirmed = closeout is not None and closeout.documents_confirmed_dt is not None
    no_advance = result.outstanding_advance <= 0
    if award.instrument == Instrument.COST_REIMBURSABLE.value:
        unspent = max(result.disbursed - result.approved_expenditure, ZERO)
        unspent_detail = _l(
            "Disbursed net %(disbursed)s; approved expenditure %(spent)s; to refund %(left)s.",
            disbursed=money(result.disbursed),
            spent=money(result.approved_expenditure),
            left=money(unspent),
        )
        unspent_done = unspent <= 0
    else:
        unspent_done = no_advance
        unspent_detail = _l(
            "Fixed-amount award: only an advance not liquidated against milestones is refunded."
        )
    result.items = [
        _report_item(
            "final_progress",
            _l("Final progress report approved"),
            reports.get(ReportKind.FINAL_PROGRESS.value),
        ),
        _report_item(
            "final_financial",
            _l("Final financial report approved"),
            reports.get(ReportKind.FINAL_FINANCIAL.value),
        ),
        Item(
            "cofinance",
            _l("Final co-finance certified by the grantee's signatory"),
            certified,
            "grantee",
            str(
                _l("Certified by %(name)s.", name=closeout.cofinance_certified_name)
                if certified
                else _l("Waiting for the signatory's certification.")
            ),
        ),
        Item(
            "advances",
            _l("Advances liquidated"),
            no_advance,
            "finance",
            str(
                _l("No advance outstanding.")
                if no_advance
                else _l(
                    "Outstanding advance: %(amount)s (liquidate it or record its refund).",
                    amount=money(result.outstanding_advance),
                )
            ),
        ),
        Item(
            "refunds",
            _l("Unspent funds refunded"),
            unspent_done,
            "finance",
            str(unspent_detail),
        ),
        Item(
            "documents",
            _l("Documents complete"),
            confirmed,
            "staff",
            str(
                _l("Confirmed by %(name)s.", name=closeout.documents_confirmed_by.full_name)
                if confirmed
                else _l("A grants manager confirms the grant's file is complete.")
            ),
        ),
    ]
    return result


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_until(award) -> date | None:
    """Records are kept three years from the final financial report's submission (2 CFR
    200.334), a calendar day in the programme's zone; None until it was submitted."""
    from portal.pdf.dates import programme_today

    report = final_reports(award).get(ReportKind.FINAL_FINANCIAL.value)
    if report is None or report.submitted_dt is None:
        return None
    return add_years(programme_today(report.submitted_dt), 3)
