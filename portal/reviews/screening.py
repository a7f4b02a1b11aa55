"""Screening: a grants manager passes a submitted application to review, screens it out with
reasons (shown to the applicant), or asks for more information (the applications package's
own operation and thread). Only applications that pass go to review."""

from __future__ import annotations

from math import ceil

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application
from portal.applications.operations import move, request_information
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.pagination import DEFAULT_PER_PAGE, Page
from portal.organisations.models import Organisation
from portal.reviews.constants import SCREENING_REASONS, SCREENING_STATUSES, ScreeningOutcome
from portal.reviews.models import ScreeningDecision

PER_PAGE = DEFAULT_PER_PAGE
# What the screening lists show of each application: its columns, not the whole row (the
# answers and the form snapshot are large) nor the call it belongs to.
_LISTED = (
    Application.id,
    Application.reference,
    Application.title,
    Organisation.legal_name,
    Application.requested_total,
    Application.currency,
    Application.cofinance_pct,
    Application.eligible,
    Application.status,
)


def queues(call, waiting_page: int, done_page: int) -> tuple[Page, Page]:
    """A page of the submitted applications waiting for screening and one of those screened,
    each by number (three statements: both totals, then each page). A page past the end
    shows the last page."""
    per_page = PER_PAGE
    submitted = (Application.call_id == call.id, Application.submitted_dt.is_not(None))
    waiting = Application.status.in_(SCREENING_STATUSES)
    totals = db.session.execute(
        select(func.count(case((waiting, 1))), func.count(case((~waiting, 1)))).where(*submitted)
    ).one()
    pages = []
    for condition, number, total in (
        (waiting, waiting_page, totals[0]),
        (~waiting, done_page, totals[1]),
    ):
        number = min(number, max(1, ceil(total / per_page)))
        rows = db.session.execute(
            select(*_LISTED)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .where(*submitted, condition)
            .order_by(Application.number, Application.id)
            .limit(per_page)
            .offset((number - 1) * per_page)
        ).all()
        pages.append(Page(items=rows, number=number, per_page=per_page, total=total))
    return pages[0], pages[1]


def decisions(application) -> list[ScreeningDecision]:
    return list(
        db.session.scalars(
            select(ScreeningDecision)
            .where(ScreeningDecision.application_id == application.id)
            .order_by(ScreeningDecision.decided_dt, ScreeningDecision.id)
        )
    )


def latest_fail(application) -> ScreeningDecision | None:
    found = [d for d in decisions(application) if d.outcome == ScreeningOutcome.FAIL]
    return found[-1] if found else None


def _errors(outcome: ScreeningOutcome, reasons: list[str], note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = [r for r in reasons if r not in SCREENING_REASONS]
    if unknown:
        errors["reasons"] = [_("Choose reasons from the list.")]
    if outcome == ScreeningOutcome.FAIL and not reasons:
        errors["reasons"] = [_("Choose at least one reason for screening the application out.")]
    if outcome == ScreeningOutcome.FAIL and "other" in reasons and not note:
        errors["note"] = [_("Explain the other reason.")]
    if outcome == ScreeningOutcome.MORE_INFORMATION and not note:
        errors["note"] = [_("Write the question for the applicant.")]
    return errors


def screen(application, actor, *, outcome, reasons=(), note: str = "") -> ScreeningDecision:
    outcome = ScreeningOutcome(outcome)
    reasons = list(dict.fromkeys(reasons or ()))
    note = (note or "").strip()
    if application.status != ApplicationStatus.SUBMITTED:
        raise InputError({"": [_("Only submitted applications are screened.")]})
    errors = _errors(outcome, reasons, note)
    if errors:
        raise InputError(errors)
    if outcome != ScreeningOutcome.FAIL:
        reasons = []
    decision = ScreeningDecision(
        application_id=application.id,
        call_id=application.call_id,
        outcome=outcome.value,
        reasons=reasons,
        note=note,
        decided_by_id=actor.id,
        decided_dt=now_utc(),
    )
    db.session.add(decision)
    if outcome == ScreeningOutcome.MORE_INFORMATION:
        request_information(application, actor, note)
        db.session.flush()
        return decision
    target = (
        ApplicationStatus.UNDER_REVIEW
        if outcome == ScreeningOutcome.PASS
        else ApplicationStatus.SCREENED_OUT
    )
    move(application, target, actor, note=note or None)
    application.updated_dt = now_utc()
    db.session.flush()
    record(
        "application.screened_in"
        if outcome == ScreeningOutcome.PASS
        else "application.screened_out",
        application,
        changes={"status": ["submitted", target.value], "reasons": reasons, "note": note},
        organisation_id=application.organisation_id,
    )
    from portal.reviews.notifications import notify_screening

    notify_screening(application, decision)
    return decision
