"""Closeout tasks (issue 16): a grants manager's grants in closeout (in force, end date
passed) with the checklist's progress, and what a grantee still owes for the closeout of its
grants (the final reports, the signatory's co-finance certification). One SQL statement per
group: the checklist's items are correlated subqueries, as ``portal.closeout.checklist``
computes them one grant at a time."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, literal, or_, select

from portal.applications.models import Application
from portal.awards.models import Award
from portal.calls.models import Call
from portal.closeout import checklist
from portal.closeout.models import Closeout
from portal.core.i18n import format_money
from portal.dashboard.tasks.base import Task, TaskGroup, first_rows
from portal.finance.models import AdvanceLiquidation, Disbursement
from portal.reports.constants import ReportKind, ReportStatus
from portal.reports.models import GrantReport, ReportExpenditure

ITEMS = 6


def _approved(kind: ReportKind):
    return exists().where(
        GrantReport.award_id == Award.id,
        GrantReport.kind == kind.value,
        GrantReport.status == ReportStatus.APPROVED.value,
    )


def _closeout(column):
    return exists().where(Closeout.award_id == Award.id, column.is_not(None))


def _sum(column, *where):
    return (
        select(func.coalesce(func.sum(column), 0)).where(*where).correlate(Award).scalar_subquery()
    )


def _outstanding_advance():
    d = Disbursement
    reversed_ids = select(d.reverses_id).where(d.reverses_id.is_not(None))
    advanced = _sum(
        d.award_amount, d.award_id == Award.id, d.kind == "advance", d.id.not_in(reversed_ids)
    )
    liquidated = _sum(
        AdvanceLiquidation.amount,
        AdvanceLiquidation.advance_id.in_(
            select(d.id).where(d.award_id == Award.id, d.kind == "advance")
        ),
    )
    refunded = _sum(
        d.award_amount, d.award_id == Award.id, d.kind == "refund", d.advance_id.is_not(None)
    )
    return advanced - liquidated + refunded  # refunds are negative


def _unspent():
    paid = _sum(Disbursement.award_amount, Disbursement.award_id == Award.id)
    spent = (
        select(func.coalesce(func.sum(ReportExpenditure.amount), 0))
        .join(GrantReport, GrantReport.id == ReportExpenditure.report_id)
        .where(
            GrantReport.award_id == Award.id,
            GrantReport.kind.in_(checklist.FINANCIAL_KINDS),
            GrantReport.status == ReportStatus.APPROVED.value,
        )
        .correlate(Award)
        .scalar_subquery()
    )
    return paid - spent


def _flag(condition):
    return case((condition, 1), else_=0)


def in_closeout(mine) -> TaskGroup:
    """Grants in force whose end date has passed, with how many checklist items are done."""
    group = TaskGroup("closeout", _("Grants in closeout"))
    no_advance = _outstanding_advance() <= 0
    refunds_done = case(
        (Award.instrument == "cost_reimbursable", _flag(_unspent() <= 0)),
        else_=_flag(no_advance),
    )
    done = (
        _flag(_approved(ReportKind.FINAL_PROGRESS))
        + _flag(_approved(ReportKind.FINAL_FINANCIAL))
        + _flag(_closeout(Closeout.cofinance_certified_dt))
        + _flag(_closeout(Closeout.documents_confirmed_dt))
        + _flag(no_advance)
        + refunds_done
    )
    rows, group.total = first_rows(
        select(
            Award.id,
            Award.end_date,
            Application.reference,
            Application.title,
            Call.final_report_days,
            done.label("done"),
        )
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, Award.status == "active", Award.end_date < literal(checklist.today()))
        .order_by(Award.end_date, Award.id)
    )
    group.tasks = [_task(r, _("Complete the closeout"), done=r.done) for r in rows]
    return group


def owed(editor_orgs: list[int], signatory_orgs: list[int]) -> TaskGroup:
    """A grantee's grants past their end date with a final report not approved yet, or (for
    the signatory) the final co-finance not certified."""
    group = TaskGroup("closeout_owed", _("Closeout: what your organisation owes"))
    orgs = sorted(set(editor_orgs) | set(signatory_orgs))
    if not orgs:
        return group
    progress = _approved(ReportKind.FINAL_PROGRESS)
    financial = _approved(ReportKind.FINAL_FINANCIAL)
    certified = _closeout(Closeout.cofinance_certified_dt)
    signs = Award.organisation_id.in_(signatory_orgs) if signatory_orgs else literal(False)
    rows, group.total = first_rows(
        select(
            Award.id,
            Award.end_date,
            Application.reference,
            Application.title,
            Call.final_report_days,
            progress.label("progress"),
            financial.label("financial"),
            certified.label("certified"),
            signs.label("signs"),
        )
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(
            Award.organisation_id.in_(orgs),
            Award.status == "active",
            Award.end_date < literal(checklist.today()),
            or_(~progress, ~financial, and_(signs, ~certified)),
        )
        .order_by(Award.end_date, Award.id)
    )
    tasks = []
    for r in rows:
        owed_items = []
        if not r.progress:
            owed_items.append(_("the final progress report"))
        if not r.financial:
            owed_items.append(_("the final financial report"))
        if r.signs and not r.certified:
            owed_items.append(_("the final co-finance certification"))
        tasks.append(_task(r, _("Owed: %(items)s", items=", ".join(owed_items))))
    group.tasks = tasks
    return group


def advances_to_settle() -> TaskGroup:
    """Finance: grants past their end date still holding an advance not liquidated nor
    refunded (the closeout checklist waits for its refund, which finance records)."""
    group = TaskGroup("closeout_refunds", _("Closeout: advances to settle"))
    outstanding = _outstanding_advance()
    rows, group.total = first_rows(
        select(
            Award.id,
            Award.end_date,
            Award.currency,
            Application.reference,
            Application.title,
            Call.final_report_days,
            outstanding.label("outstanding"),
        )
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(
            Award.status == "active",
            Award.end_date < literal(checklist.today()),
            # Only a grant that received an advance can owe one (a refund names its advance):
            # this filter changes no result but lets PostgreSQL estimate the per-grant sums on
            # those few grants instead of all of them, which kept the plan's cost above the
            # JIT threshold (~50 ms of compilation for a query that runs in under 1 ms).
            Award.id.in_(select(Disbursement.award_id).where(Disbursement.kind == "advance")),
            outstanding > 0,
        )
        .order_by(Award.end_date, Award.id)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            url=url_for("finance.grant", award_id=r.id) + "#refund",
            action=_("Record the refund or the liquidation"),
            detail=_(
                "Advance outstanding: %(amount)s.", amount=format_money(r.outstanding, r.currency)
            ),
        )
        for r in rows
    ]
    return group


def _task(r, action: str, done: int | None = None) -> Task:
    from datetime import timedelta

    due = r.end_date + timedelta(days=r.final_report_days or checklist.FINAL_REPORT_DAYS_DEFAULT)
    detail = ""
    if done is not None:
        detail = _("Checklist: %(done)s of %(total)s items done.", done=done, total=ITEMS)
    return Task(
        subject=f"{r.reference} — {r.title}",
        url=url_for("closeout.checklist", award_id=r.id),
        action=action,
        detail=detail,
        due=due,
        overdue=due < checklist.today(),
    )
