"""Builders for the closeout tests: report rows set directly in a given status (the reports
helper builds their flows), a ledger entry, and a grant carried to "ready to close"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from portal.closeout import operations as closeout_operations
from portal.core.db import db
from portal.finance import ledger
from portal.reports.constants import ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportExpenditure

D = Decimal
# After the awards' end date (2028-01-31), before the final reports are due (2028-05-30).
TODAY = date(2028, 3, 1)
CLABE = "032180000118359719"


def report(
    award,
    kind: ReportKind,
    *,
    status: ReportStatus = ReportStatus.DUE,
    period_start: date | None = None,
    period_end: date | None = None,
    submitted: datetime | None = None,
    certifier=None,
    decider=None,
    spent: dict | None = None,
) -> GrantReport:
    """A report row in ``status`` (with what that status requires), and its expenditure."""
    period_end = period_end or award.end_date
    row = GrantReport(
        award_id=award.id,
        kind=kind.value,
        period_start=period_start or award.start_date,
        period_end=period_end,
        due_on=period_end + timedelta(days=30 if not kind.is_final else 120),
        status=status.value,
    )
    if status not in (ReportStatus.DUE, ReportStatus.DRAFT):
        row.submitted_dt = submitted or datetime(2028, 2, 20, 18, 0, tzinfo=UTC)
        row.certified_by_id = certifier.id
        row.certified_name = certifier.full_name
        row.form_snapshot = []
        row.submissions = 1
    if status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
        row.decided_by_id = decider.id
        row.decided_dt = row.submitted_dt + timedelta(days=3)
    db.session.add(row)
    db.session.flush()
    for category, amount in (spent or {}).items():
        db.session.add(ReportExpenditure(report_id=row.id, category=category, amount=D(amount)))
    db.session.flush()
    return row


def entry(amount, key, *, paid_on=date(2027, 3, 5), currency="MXN", rate=None, source=None):
    return ledger.Entry(
        paid_on=paid_on,
        amount=D(amount),
        currency=currency,
        bank_reference=f"SPEI {key}",
        clabe=CLABE,
        idempotency_key=f"{key}-{'x' * 16}",
        exchange_rate=D(rate) if rate else None,
        rate_source=source,
    )


def approved_final_reports(award, personas, *, submitted=None):
    for kind in (ReportKind.FINAL_PROGRESS, ReportKind.FINAL_FINANCIAL):
        report(
            award,
            kind,
            status=ReportStatus.APPROVED,
            certifier=personas["applicant"],
            decider=personas["grants_manager"],
            submitted=submitted,
        )


def ready_to_close(award, personas):
    """Every checklist item done (nothing disbursed, so nothing to refund)."""
    approved_final_reports(award, personas)
    applicant = personas["applicant"]
    closeout_operations.certify_cofinance(
        award, applicant, certified=True, typed_name=applicant.full_name
    )
    closeout_operations.confirm_documents(award, personas["grants_manager"])
    db.session.commit()


def fresh(award, personas):
    """The award and personas again after requests (their session was closed)."""
    from portal.accounts.models import User
    from portal.awards.models import Award

    db.session.rollback()
    return db.session.get(Award, award.id), {
        k: db.session.get(User, u.id) if isinstance(u, User) else u for k, u in personas.items()
    }
