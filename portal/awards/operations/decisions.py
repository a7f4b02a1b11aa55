"""Decisions on applications: award (with a second approval above the threshold), waitlist or
decline; the second manager's approval or refusal."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application, CofinanceSource
from portal.applications.operations import move as move_application
from portal.audit.operations import record
from portal.awards import budget_guard, notifications
from portal.awards.amounts_in_words import figures
from portal.awards.constants import AwardStatus, Decision
from portal.awards.models import Award, CofinanceCommitment
from portal.awards.operations.queries import award_of
from portal.awards.states import AWARD
from portal.calls.constants import Instrument
from portal.core.db import db, now_utc
from portal.core.errors import InputError

S = ApplicationStatus
# The application moves of each decision, from each status (the applications package's
# ALLOWED_MOVES are followed step by step: under review → recommended → awarded...).
PATHS = {
    Decision.AWARD: {
        S.UNDER_REVIEW: (S.RECOMMENDED, S.AWARDED),
        S.RECOMMENDED: (S.AWARDED,),
        S.WAITLISTED: (S.AWARDED,),
    },
    Decision.WAITLIST: {S.UNDER_REVIEW: (S.WAITLISTED,)},
    Decision.DECLINE: {
        S.UNDER_REVIEW: (S.NOT_RECOMMENDED, S.DECLINED),
        S.NOT_RECOMMENDED: (S.DECLINED,),
        S.WAITLISTED: (S.DECLINED,),
    },
}
DECIDABLE = frozenset(s for paths in PATHS.values() for s in paths)


def threshold(programme) -> Decimal:
    return Decimal(str(current_app.config["AWARD_SECOND_APPROVAL_THRESHOLD"]))


def _not_possible(application: Application) -> str:
    return _(
        "This decision is not possible for an application that is %(status)s.",
        status=application.status_enum.label,
    )


def _walk(application: Application, decision: Decision, actor, note: str) -> None:
    path = PATHS[decision].get(application.status_enum)
    if path is None:
        raise InputError({"decision": [_not_possible(application)]})
    for step in path:
        move_application(application, step, actor, note=note)
    application.updated_dt = now_utc()


def decide(
    application: Application,
    actor,
    *,
    decision: str,
    justification: str,
    amount: Decimal | None = None,
    instrument: str | None = None,
) -> Award | None:
    """Award, waitlist or decline. An award above the threshold waits for a second manager;
    its amount is reserved against the budget at once (see ``budget_guard``)."""
    justification = (justification or "").strip()
    errors: dict[str, list[str]] = {}
    if not justification:
        errors["justification"] = [_("Explain the decision.")]
    try:
        decision = Decision(decision)
    except ValueError:
        errors["decision"] = [_("Choose a decision.")]
    if errors:
        raise InputError(errors)
    if decision != Decision.AWARD:
        return _decide_other(application, actor, decision, justification)
    return _propose_award(application, actor, justification, amount, instrument)


def _decide_other(application, actor, decision: Decision, justification: str) -> None:
    before = application.status
    _walk(application, decision, actor, justification)
    db.session.flush()
    record(
        "award.decided",
        application,
        changes={
            "decision": decision.value,
            "status": [before, application.status],
            "justification": justification,
        },
        organisation_id=application.organisation_id,
    )
    if decision == Decision.DECLINE:
        from portal.awards.letters import schedule_decline_letter

        schedule_decline_letter(application)
    else:
        notifications.notify_waitlisted(application)
    return None


def check_amount(call, amount, instrument) -> dict:
    """The call's limits and instruments (errors by field; empty: the amount fits)."""
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter the amount of the award.")]
    elif call.min_award is not None and amount < call.min_award:
        errors["amount"] = [
            _(
                "The call's minimum award is %(amount)s.",
                amount=figures(call.min_award, call.currency),
            )
        ]
    elif call.max_award is not None and amount > call.max_award:
        errors["amount"] = [
            _(
                "The call's maximum award is %(amount)s.",
                amount=figures(call.max_award, call.currency),
            )
        ]
    if instrument not in offered_instruments(call):
        errors["instrument"] = [_("Choose one of the instruments the call offers.")]
    return errors


def offered_instruments(call) -> list[str]:
    return [i.value for i in Instrument if getattr(call, f"offers_{i.value}")]


def budget_message(error: budget_guard.BudgetExceededError) -> str:
    values = {
        "amount": figures(error.amount, error.currency),
        "available": figures(error.available, error.currency),
        "limit": figures(error.limit, error.currency),
    }
    if error.scope == "call":
        return _(
            "This award of %(amount)s would exceed the call's budget of %(limit)s: only "
            "%(available)s is still uncommitted.",
            **values,
        )
    return _(
        "This award of %(amount)s would exceed the programme's envelope of %(limit)s: "
        "only %(available)s is still uncommitted.",
        **values,
    )


def _propose_award(application, actor, justification, amount, instrument) -> Award:
    call = application.call
    errors = check_amount(call, amount, instrument)
    if award_of(application.id) is not None:
        errors[""] = [_("This application already has an award.")]
    if application.status_enum not in PATHS[Decision.AWARD]:
        errors["decision"] = [_not_possible(application)]
    if errors:
        raise InputError(errors)
    try:
        budget_guard.lock_and_check(db.session, call.id, amount)
    except budget_guard.BudgetExceededError as error:
        raise InputError({"amount": [budget_message(error)]}) from None
    needs_second = amount > threshold(call.programme)
    award = Award(
        application_id=application.id,
        call_id=call.id,
        programme_id=call.programme_id,
        organisation_id=application.organisation_id,
        status=(AwardStatus.PENDING_APPROVAL if needs_second else AwardStatus.APPROVED).value,
        instrument=instrument,
        amount=amount,
        currency=call.programme.currency,
        justification=justification,
        proposed_by_id=actor.id,
        proposed_dt=now_utc(),
        needs_second_approval=needs_second,
    )
    db.session.add(award)
    db.session.flush()
    prefill_commitments(award, application)
    record(
        "award.proposed",
        award,
        changes=award.audit_fields()
        | {"justification": justification, "needs_second_approval": needs_second},
        organisation_id=award.organisation_id,
    )
    if not needs_second:
        _confirm(award, actor, justification)
    else:
        notifications.notify_approval_needed(award)
    return award


def prefill_commitments(award: Award, application: Application) -> None:
    """The award's co-finance commitments start as the application's co-finance sources."""
    sources = db.session.scalars(
        select(CofinanceSource)
        .where(CofinanceSource.application_id == application.id)
        .order_by(CofinanceSource.position, CofinanceSource.id)
    )
    for position, s in enumerate(sources):
        award.commitments.append(
            CofinanceCommitment(
                source_id=s.id,
                contributor_name=s.contributor_name,
                contributor_type=s.contributor_type,
                nature=s.nature,
                counts_as=s.counts_as,
                amount=s.amount,
                valuation_basis=s.valuation_basis,
                position=position,
            )
        )
    db.session.flush()


def _confirm(award: Award, actor, note: str) -> None:
    """The award stands: the application becomes awarded and the applicant hears of it."""
    _walk(award.application, Decision.AWARD, actor, note)
    db.session.flush()
    notifications.notify_awarded(award)


def _check_second_manager(award: Award, actor, message: str) -> None:
    if not AWARD.can(award, "approve"):
        raise InputError({"": [_("This award is not waiting for approval.")]})
    if award.proposed_by_id == actor.id:
        raise InputError({"": [message]})


def approve(award: Award, actor) -> None:
    _check_second_manager(
        award, actor, _("A second grants manager must approve an award you proposed.")
    )
    award.approved_by_id = actor.id
    award.approved_dt = now_utc()
    award.updated_dt = now_utc()
    db.session.flush()
    AWARD.move(award, "approve", organisation_id=award.organisation_id)
    _confirm(award, actor, award.justification)


def reject_approval(award: Award, actor, reason: str) -> None:
    """The second manager refuses: the reservation is released; the application stays as it
    was so another decision can be taken."""
    reason = (reason or "").strip()
    _check_second_manager(
        award, actor, _("A second grants manager must decide on an award you proposed.")
    )
    if not reason:
        raise InputError({"reason": [_("Explain why the award is not approved.")]})
    award.updated_dt = now_utc()
    AWARD.move(award, "reject", changes={"reason": reason}, organisation_id=award.organisation_id)
    db.session.flush()
    notifications.notify_approval_refused(award, reason)
