"""An applicant's tasks: drafts before their deadline, requests for information, agreements
to sign, milestone reports and payment requests, co-finance to report."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from portal.applications.models import Application
from portal.awards.models import Agreement, Award, CofinanceCommitment, Milestone
from portal.calls.models import Call
from portal.core.db import db, now_utc
from portal.core.i18n import format_money, localized
from portal.dashboard.tasks import amendments, closeout, reports
from portal.dashboard.tasks.base import Task, TaskGroup, call_columns, first_rows
from portal.finance import deadlines
from portal.finance.models import CofinanceContribution, PaymentRequest
from portal.organisations.models import MemberRole, Membership

EDITORS = (MemberRole.OWNER.value, MemberRole.EDITOR.value)


def groups(user) -> list[TaskGroup]:
    memberships = db.session.execute(
        select(Membership.organisation_id, Membership.role, Membership.is_signatory).where(
            Membership.user_id == user.id
        )
    ).all()
    if not memberships:
        return []
    editor = [m.organisation_id for m in memberships if m.role in EDITORS]
    signatory = [m.organisation_id for m in memberships if m.is_signatory]
    requesters = [
        m.organisation_id for m in memberships if m.role == MemberRole.OWNER.value or m.is_signatory
    ]
    grantee = sorted(set(editor) | set(signatory))
    return [
        _drafts(editor),
        _information_requests(editor),
        _agreements_to_sign(signatory),
        _milestone_reports(editor),
        _payment_requests(editor),
        _cofinance(editor),
        amendments.returned(requesters),
        amendments.to_sign(signatory),
        reports.due(grantee),
        reports.returned(grantee),
        closeout.owed(editor, signatory),
    ]


def _subject(reference, title) -> str:
    title = title or _("Untitled draft")
    return f"{reference} — {title}" if reference else title


def _drafts(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("drafts", _("Drafts to finish and submit"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        select(Application.id, Application.title, *call_columns())
        .join(Call, Call.id == Application.call_id)
        .where(
            Application.organisation_id.in_(orgs),
            Application.status == "draft",
            Call.status == "published",
            Call.closes_dt > now_utc(),
        )
        .order_by(Call.closes_dt, Application.id)
    )
    group.more_url = url_for("applications.mine")
    group.tasks = [
        Task(
            subject=r.title or _("Untitled draft"),
            detail=f"{r.code} — {localized(r, 'title')}",
            url=url_for("applications.edit", application_id=r.id),
            action=_("Continue the application"),
            due=r.closes_dt,
            zone=r.timezone,
        )
        for r in rows
    ]
    return group


def _information_requests(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("information", _("Requests for more information"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        select(Application.id, Application.reference, Application.title)
        .where(
            Application.organisation_id.in_(orgs),
            Application.status == "more_information_requested",
        )
        .order_by(Application.updated_dt, Application.id)
    )
    group.tasks = [
        Task(
            subject=_subject(r.reference, r.title),
            url=url_for("applications.status", application_id=r.id) + "#thread",
            action=_("Answer the request"),
        )
        for r in rows
    ]
    return group


def _agreements_to_sign(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("sign", _("Agreements to sign"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        select(Agreement.id, Agreement.number, Agreement.issued_dt, Application.reference)
        .add_columns(Application.title)
        .join(Award, Award.id == Agreement.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Award.organisation_id.in_(orgs),
            Award.status == "issued",
            Agreement.status == "issued",
        )
        .order_by(Agreement.issued_dt, Agreement.id)
    )
    group.tasks = [
        Task(
            subject=_subject(r.reference, r.title),
            detail=_("Agreement %(number)s", number=r.number),
            url=url_for("awards.sign", agreement_id=r.id),
            action=_("Review and sign"),
        )
        for r in rows
    ]
    return group


def _milestone_reports(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("milestones", _("Milestone reports due"))
    if not orgs:
        return group
    today = deadlines.today()
    rows, group.total = first_rows(
        select(Milestone.award_id, Milestone.deliverable, Milestone.due_date)
        .add_columns(Application.reference)
        .join(Award, Award.id == Milestone.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Award.organisation_id.in_(orgs),
            deadlines.open_report(),
            Milestone.due_date <= today + timedelta(days=deadlines.DUE_SOON_DAYS),
        )
        .order_by(Milestone.due_date, Milestone.id)
    )
    group.more_url = url_for("finance.mine")
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=r.deliverable,
            url=url_for("finance.grant", award_id=r.award_id) + "#requests-heading",
            action=_("Report the milestone and request payment"),
            due=r.due_date,
            overdue=r.due_date < today,
        )
        for r in rows
    ]
    return group


def _payment_requests(orgs: list[int]) -> TaskGroup:
    """Drafts to finish and requests the programme sent back."""
    group = TaskGroup("requests", _("Payment requests to finish or correct"))
    if not orgs:
        return group
    p = PaymentRequest
    rows, group.total = first_rows(
        select(p.id, p.status, p.amount, p.currency, Application.reference)
        .join(Award, Award.id == p.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(Award.organisation_id.in_(orgs), p.status.in_(("draft", "changes_requested")))
        .order_by(p.status.desc(), p.created_dt, p.id)
    )
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=format_money(r.amount, r.currency),
            url=url_for("finance.request", request_id=r.id),
            action=_("Correct and resubmit")
            if r.status == "changes_requested"
            else _("Finish and submit"),
            overdue=r.status == "changes_requested",
        )
        for r in rows
    ]
    return group


def _cofinance(orgs: list[int]) -> TaskGroup:
    """Active grants whose co-finance reported so far is below what was committed."""
    group = TaskGroup("cofinance", _("Co-finance to report"))
    if not orgs:
        return group
    committed = (
        select(func.coalesce(func.sum(CofinanceCommitment.amount), 0))
        .where(CofinanceCommitment.award_id == Award.id)
        .scalar_subquery()
    )
    c = CofinanceContribution
    reported = (
        select(func.coalesce(func.sum(c.amount), 0))
        .where(and_(c.award_id == Award.id, c.status != "rejected"))
        .scalar_subquery()
    )
    rows, group.total = first_rows(
        select(Award.id, Award.currency, Application.reference)
        .add_columns(committed.label("committed"), reported.label("reported"))
        .join(Application, Application.id == Award.application_id)
        .where(Award.organisation_id.in_(orgs), Award.status == "active", committed > reported)
        .order_by(Application.reference)
    )
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=_(
                "%(reported)s reported of %(committed)s committed",
                reported=format_money(r.reported, r.currency),
                committed=format_money(r.committed, r.currency),
            ),
            url=url_for("finance.grant", award_id=r.id) + "#cofinance-heading",
            action=_("Report co-finance"),
        )
        for r in rows
    ]
    return group
