"""A finance officer's tasks: payments to approve and to record, co-finance and changed bank
accounts to verify, and the USD/MXN rate when the latest one is too old for the combined
figures."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.applications.models import Application
from portal.awards.amendments.bank_accounts import GrantBankAccount
from portal.awards.models import Award
from portal.core.db import db
from portal.core.i18n import format_day, format_money
from portal.dashboard.tasks import closeout
from portal.dashboard.tasks.base import SHOWN, Task, TaskGroup, first_rows
from portal.finance import deadlines
from portal.finance.models import CofinanceContribution, PaymentRequest
from portal.reporting.models import ExchangeRate

# A stored rate older than this no longer reflects the peso for the combined totals.
RATE_MAX_AGE_DAYS = 7


def groups(user) -> list[TaskGroup]:
    return [
        _requests("deliverable_approved", "approve", _("Payments to approve"), _("Approve")),
        _requests("payment_approved", "pay", _("Payments to record"), _("Record the payment")),
        _cofinance(),
        _bank_accounts(),
        closeout.advances_to_settle(),
        _rate(),
    ]


def _requests(status: str, key: str, title: str, action: str) -> TaskGroup:
    group = TaskGroup(key, title)
    p = PaymentRequest
    rows, group.total = first_rows(
        select(p.id, p.amount, p.approved_amount, p.currency, p.deliverable_dt, p.payment_dt)
        .add_columns(Application.reference, Application.title)
        .join(Award, Award.id == p.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(p.status == status)
        .order_by(p.deliverable_dt, p.id)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=format_money(r.approved_amount or r.amount, r.currency),
            url=url_for("finance.request", request_id=r.id),
            action=action,
        )
        for r in rows
    ]
    return group


def _cofinance() -> TaskGroup:
    group = TaskGroup("verify", _("Co-finance to verify"))
    c = CofinanceContribution
    # Thousands of contributions can wait: count and pick the first ones on their own table,
    # then join only those to their grant's reference (every contribution has one).
    first = (
        select(
            c.id,
            c.award_id,
            c.amount,
            c.currency,
            c.contributor_name,
            func.count().over().label("total_rows"),
        )
        .where(c.status == "reported")
        .order_by(c.id)
        .limit(SHOWN)
        .subquery()
    )
    rows = db.session.execute(
        select(first, Application.reference)
        .join(Award, Award.id == first.c.award_id)
        .join(Application, Application.id == Award.application_id)
        .order_by(first.c.id)
    ).all()
    group.total = rows[0].total_rows if rows else 0
    group.tasks = [
        Task(
            subject=r.reference or "",
            detail=f"{r.contributor_name} · {format_money(r.amount, r.currency)}",
            url=url_for("finance.grant", award_id=r.award_id) + "#cofinance-heading",
            action=_("Verify"),
        )
        for r in rows
    ]
    return group


def _bank_accounts() -> TaskGroup:
    """Grants whose bank account was changed and awaits verification (payments held)."""
    group = TaskGroup("bank_accounts", _("Bank accounts to verify"))
    b = GrantBankAccount
    rows, group.total = first_rows(
        select(b.award_id, b.clabe, b.changed_dt, Application.reference, Application.title)
        .join(Award, Award.id == b.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(b.status == "held")
        .order_by(b.changed_dt, b.id)
    )
    group.tasks = [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=_("New CLABE ending %(last4)s · payments held", last4=r.clabe[-4:]),
            url=url_for("finance.grant", award_id=r.award_id) + "#bank-account",
            action=_("Verify the new bank account"),
        )
        for r in rows
    ]
    return group


def _rate() -> TaskGroup:
    """One task when grants in dollars exist and no USD/MXN rate is recent enough."""
    group = TaskGroup("rate", _("Exchange rate to record"))
    today = deadlines.today()
    latest = (
        select(func.max(ExchangeRate.rate_on))
        .where(ExchangeRate.base == "USD", ExchangeRate.quote == "MXN")
        .scalar_subquery()
    )
    dollar_grants, last = db.session.execute(
        select(func.count(Award.id), latest).where(
            Award.currency == "USD", Award.status == "active"
        )
    ).one()
    if dollar_grants and (last is None or last < today - timedelta(days=RATE_MAX_AGE_DAYS)):
        group.total = 1
        group.tasks = [
            Task(
                subject=_("USD/MXN"),
                detail=_("Latest rate: %(day)s", day=format_day(last)) if last else _("No rate"),
                url=url_for("reporting.rates"),
                action=_("Record the rate"),
            )
        ]
    return group
