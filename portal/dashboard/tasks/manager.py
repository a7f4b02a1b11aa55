"""A grants manager's tasks, for the programmes they manage (an administrator: all):
screening, calls not ready for review, consensus, award decisions and second approvals,
agreements to countersign, deliverables to approve, overdue milestone reports."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select

from portal.accounts.roles import Role
from portal.applications.models import Application
from portal.awards.models import Agreement, Award, Milestone
from portal.calls.models import Call, programme_managers
from portal.core.i18n import format_day, format_money, localized
from portal.dashboard.tasks import amendments, closeout, reports
from portal.dashboard.tasks.base import Task, TaskGroup, call_columns, first_rows
from portal.dashboard.tasks.consensus import consensus_pending
from portal.finance import deadlines
from portal.finance.models import PaymentRequest
from portal.reviews.models import Criterion, Panel, Rubric


def groups(user) -> list[TaskGroup]:
    mine = _managed(user)
    return [
        _screening(mine),
        _not_ready(mine),
        consensus_pending(mine),
        _decisions(mine),
        _second_approvals(mine, user),
        _countersign(mine),
        amendments.to_review(mine),
        amendments.second_approvals(mine, user),
        amendments.to_countersign(mine),
        _deliverables(mine),
        reports.to_review(mine),
        _overdue(mine),
        closeout.in_closeout(mine),
    ]


def _managed(user):
    """SQL condition on ``Call``: the call belongs to a programme this user manages."""
    if user.has_role(Role.ADMIN):
        return Call.id.is_not(None)
    return Call.programme_id.in_(
        select(programme_managers.c.programme_id).where(programme_managers.c.user_id == user.id)
    )


def _per_call(status: str, mine):
    return (
        select(*call_columns(), func.count(Application.id).label("n"))
        .join(Application, Application.call_id == Call.id)
        .where(mine, Application.status == status)
        .group_by(Call.id, *call_columns())
        .order_by(Call.code)
    )


def _call_subject(call) -> str:
    return f"{call.code} — {localized(call, 'title')}"


def _screening(mine) -> TaskGroup:
    group = TaskGroup("screening", _("Applications to screen"))
    rows, group.total = first_rows(_per_call("submitted", mine))
    group.tasks = [
        Task(
            subject=_call_subject(r),
            detail=ngettext("%(num)d application", "%(num)d applications", r.n),
            url=url_for("reviews.screening_list", code=r.code),
            action=_("Screen"),
        )
        for r in rows
    ]
    return group


def _not_ready(mine) -> TaskGroup:
    """Published calls that still lack a panel or a rubric with criteria."""
    group = TaskGroup("setup", _("Calls without a panel or rubric"))
    has_panel = exists().where(Panel.call_id == Call.id)
    has_rubric = exists().where(Rubric.call_id == Call.id, Criterion.rubric_id == Rubric.id)
    rows, group.total = first_rows(
        select(*call_columns(), has_panel.label("panel"), has_rubric.label("rubric"))
        .where(mine, Call.status == "published", or_(~has_panel, ~has_rubric))
        .order_by(Call.closes_dt, Call.code)
    )
    group.tasks = [
        Task(
            subject=_call_subject(r),
            detail=_("No rubric yet") if r.panel else _("No review panel yet"),
            url=url_for("reviews.rubric" if r.panel else "reviews.panel", code=r.code),
            action=_("Set up the rubric") if r.panel else _("Set up the panel"),
            due=r.closes_dt,
            zone=r.timezone,
        )
        for r in rows
    ]
    return group


def _decisions(mine) -> TaskGroup:
    """Recommended applications without an award yet."""
    group = TaskGroup("decisions", _("Award decisions to make"))
    awarded = exists().where(Award.application_id == Application.id, Award.status != "rejected")
    rows, group.total = first_rows(
        select(Application.id, Application.reference, Application.title, Call.code)
        .join(Call, Call.id == Application.call_id)
        .where(mine, Application.status == "recommended", ~awarded)
        .order_by(Call.code, Application.reference)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=r.code,
            url=url_for("awards.decide", application_id=r.id),
            action=_("Decide"),
        )
        for r in rows
    ]
    return group


def _award_rows(mine, *where):
    return (
        select(Award.id, Award.amount, Award.currency, Application.reference, Application.title)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, *where)
    )


def _second_approvals(mine, user) -> TaskGroup:
    """Awards above the threshold proposed by someone else (nobody approves their own)."""
    group = TaskGroup("approvals", _("Awards awaiting a second approval"))
    rows, group.total = first_rows(
        _award_rows(
            mine, Award.status == "pending_approval", Award.proposed_by_id != user.id
        ).order_by(Award.proposed_dt, Award.id)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=format_money(r.amount, r.currency),
            url=url_for("awards.award", award_id=r.id),
            action=_("Approve or refuse"),
        )
        for r in rows
    ]
    return group


def _countersign(mine) -> TaskGroup:
    group = TaskGroup("countersign", _("Agreements to countersign"))
    rows, group.total = first_rows(
        select(Agreement.id, Agreement.number, Application.reference, Application.title)
        .join(Award, Award.id == Agreement.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, Award.status == "signed_by_grantee", Agreement.status == "signed_by_grantee")
        .order_by(Agreement.id)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=_("Agreement %(number)s", number=r.number),
            url=url_for("awards.sign", agreement_id=r.id),
            action=_("Countersign"),
        )
        for r in rows
    ]
    return group


def _deliverables(mine) -> TaskGroup:
    group = TaskGroup("deliverables", _("Deliverables to approve"))
    p = PaymentRequest
    rows, group.total = first_rows(
        select(p.id, p.amount, p.currency, p.certified_dt, Application.reference)
        .join(Award, Award.id == p.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, p.status == "submitted")
        .order_by(p.certified_dt, p.id)
    )
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=_(
                "%(amount)s · submitted %(when)s",
                amount=format_money(r.amount, r.currency),
                when=format_day(r.certified_dt),
            ),
            url=url_for("finance.request", request_id=r.id),
            action=_("Review the deliverable"),
        )
        for r in rows
    ]
    return group


def _overdue(mine) -> TaskGroup:
    group = TaskGroup("overdue", _("Overdue milestone reports"))
    today = deadlines.today()
    rows, group.total = first_rows(
        select(Milestone.award_id, Milestone.deliverable, Milestone.due_date)
        .add_columns(Application.reference)
        .join(Award, Award.id == Milestone.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(mine, deadlines.overdue_condition(today))
        .order_by(Milestone.due_date, Milestone.id)
    )
    group.more_url = url_for("reporting.finance")
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=r.deliverable,
            url=url_for("finance.grant", award_id=r.award_id),
            action=_("Follow up"),
            due=r.due_date,
            overdue=True,
        )
        for r in rows
    ]
    return group
