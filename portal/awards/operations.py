"""Business logic of awards: decisions, approval, terms, risk, schedule, agreements.

Operations validate, change state, write the audit entry, queue e-mails and flush; they never
commit. Refusals raise ``InputError`` (messages per form field) and change nothing. Signing is
in ``signing.py``, decline letters in ``letters.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application, CofinanceSource
from portal.applications.operations import move
from portal.audit.operations import diff, record
from portal.awards import budget_guard, notifications, risk
from portal.awards.amounts_in_words import figures
from portal.awards.constants import AgreementStatus, AwardStatus, Decision
from portal.awards.models import (
    Agreement,
    Award,
    CofinanceCommitment,
    Milestone,
    RiskAssessment,
)
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


def award_of(application_id: int) -> Award | None:
    """The application's award (a refused proposal does not count: a new one may follow)."""
    return db.session.scalar(
        select(Award).where(
            Award.application_id == application_id, Award.status != AwardStatus.REJECTED.value
        )
    )


def _walk(application: Application, decision: Decision, actor, note: str) -> None:
    path = PATHS[decision].get(application.status_enum)
    if path is None:
        raise InputError(
            {
                "decision": [
                    _(
                        "This decision is not possible for an application that is %(status)s.",
                        status=application.status_enum.label,
                    )
                ]
            }
        )
    for step in path:
        move(application, step, actor, note=note)
    application.updated_dt = now_utc()


# Decisions ----------------------------------------------------------------------------------
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


def _check_amount(call, amount, instrument) -> dict:
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
    errors = _check_amount(call, amount, instrument)
    if award_of(application.id) is not None:
        errors[""] = [_("This application already has an award.")]
    if application.status_enum not in PATHS[Decision.AWARD]:
        errors["decision"] = [
            _(
                "This decision is not possible for an application that is %(status)s.",
                status=application.status_enum.label,
            )
        ]
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
    _prefill_commitments(award, application)
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


def _prefill_commitments(award: Award, application: Application) -> None:
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


def approve(award: Award, actor) -> None:
    if award.status != AwardStatus.PENDING_APPROVAL:
        raise InputError({"": [_("This award is not waiting for approval.")]})
    if award.proposed_by_id == actor.id:
        raise InputError({"": [_("A second grants manager must approve an award you proposed.")]})
    award.status = AwardStatus.APPROVED.value
    award.approved_by_id = actor.id
    award.approved_dt = now_utc()
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.approved",
        award,
        changes={"status": ["pending_approval", "approved"]},
        organisation_id=award.organisation_id,
    )
    _confirm(award, actor, award.justification)


def reject_approval(award: Award, actor, reason: str) -> None:
    """The second manager refuses: the reservation is released; the application stays as it
    was so another decision can be taken."""
    reason = (reason or "").strip()
    if award.status != AwardStatus.PENDING_APPROVAL:
        raise InputError({"": [_("This award is not waiting for approval.")]})
    if award.proposed_by_id == actor.id:
        raise InputError({"": [_("A second grants manager must decide on an award you proposed.")]})
    if not reason:
        raise InputError({"reason": [_("Explain why the award is not approved.")]})
    award.status = AwardStatus.REJECTED.value
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.approval_refused",
        award,
        changes={"reason": reason},
        organisation_id=award.organisation_id,
    )
    notifications.notify_approval_refused(award, reason)


# Terms --------------------------------------------------------------------------------------
def _require_editable(award: Award) -> None:
    if not award.is_editable:
        raise InputError(
            {
                "": [
                    _(
                        "The terms can no longer change: the agreement was signed "
                        "or the award is not approved."
                    )
                ]
            }
        )
    _withdraw_unsigned_agreement(award)


def _withdraw_unsigned_agreement(award: Award) -> None:
    """Terms change after an agreement was issued: that agreement no longer says what the award
    says, so it is superseded before anyone can sign it, and must be issued again."""
    if award.status != AwardStatus.ISSUED.value:
        return
    for agreement in agreements_of(award):
        if agreement.status == AgreementStatus.ISSUED.value:
            agreement.status = AgreementStatus.SUPERSEDED.value
            record(
                "agreement.withdrawn",
                agreement,
                changes={"status": ["issued", "superseded"], "reason": "terms changed"},
                organisation_id=award.organisation_id,
            )
    award.status = AwardStatus.APPROVED.value
    award.updated_dt = now_utc()


def update_terms(
    award: Award,
    actor,
    *,
    instrument: str,
    amount: Decimal,
    start_date: date | None,
    end_date: date | None,
    special_conditions: str,
    advance_limit: Decimal | None = None,
) -> None:
    _require_editable(award)
    call = award.application.call
    errors = _check_amount(call, amount, instrument)
    errors.update(_check_advance(award, advance_limit, amount, instrument))
    if not start_date:
        errors["start_date"] = [_("Enter the start date.")]
    if not end_date:
        errors["end_date"] = [_("Enter the end date.")]
    elif start_date and end_date <= start_date:
        errors["end_date"] = [_("The end date must be after the start date.")]
    if errors:
        raise InputError(errors)
    if amount != award.amount:
        try:
            budget_guard.lock_and_check(db.session, call.id, amount, exclude_award_id=award.id)
        except budget_guard.BudgetExceededError as error:
            raise InputError({"amount": [budget_message(error)]}) from None
    before = award.audit_fields()
    award.instrument = instrument
    award.amount = amount
    award.start_date = start_date
    award.end_date = end_date
    award.special_conditions = (special_conditions or "").strip()
    award.advance_limit = advance_limit or None
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "award.terms_updated",
        award,
        changes=diff(before, award.audit_fields()),
        organisation_id=award.organisation_id,
    )


def excludes_advances(award: Award) -> bool:
    """The accepted risk conditions include "no advance payment"."""
    assessment = risk_of(award)
    return bool(
        assessment
        and assessment.conditions_accepted
        and "no_advance" in (assessment.proposed_conditions or [])
    )


def _check_advance(award: Award, limit: Decimal | None, amount, instrument: str) -> dict:
    """An advance is a term of fixed amount awards only, within the award's amount, and never
    where the accepted risk conditions exclude it."""
    if not limit:
        return {}
    if limit < 0:
        return {"advance_limit": [_("Enter an amount greater than zero, or leave it empty.")]}
    if instrument != Instrument.FIXED_AMOUNT.value:
        return {"advance_limit": [_("Advances are paid only under a fixed amount award.")]}
    if amount is not None and limit > amount:
        return {"advance_limit": [_("The advance cannot exceed the amount of the award.")]}
    if excludes_advances(award):
        return {
            "advance_limit": [
                _("The accepted risk conditions exclude advances: leave the advance empty.")
            ]
        }
    return {}


def add_commitment(award: Award, actor, **values) -> CofinanceCommitment:
    _require_editable(award)
    if values.get("nature") == "in_kind" and not (values.get("valuation_basis") or "").strip():
        raise InputError(
            {"valuation_basis": [_("Explain how the in-kind contribution is valued.")]}
        )
    commitment = CofinanceCommitment(
        position=len(award.commitments), contributor_type="other_donor", **values
    )
    award.commitments.append(commitment)
    db.session.flush()
    record(
        "award.commitment_added",
        award,
        changes={
            "contributor_name": commitment.contributor_name,
            "amount": commitment.amount,
            "counts_as": commitment.counts_as,
            "nature": commitment.nature,
        },
        organisation_id=award.organisation_id,
    )
    return commitment


def remove_commitment(award: Award, actor, commitment: CofinanceCommitment) -> None:
    _require_editable(award)
    award.commitments.remove(commitment)
    db.session.flush()
    record(
        "award.commitment_removed",
        award,
        changes={"contributor_name": commitment.contributor_name, "amount": commitment.amount},
        organisation_id=award.organisation_id,
    )


# Risk -----------------------------------------------------------------------------------------
def risk_of(award: Award) -> RiskAssessment | None:
    return db.session.scalar(select(RiskAssessment).where(RiskAssessment.award_id == award.id))


def assess_risk(award: Award, actor, answers: dict, notes: str) -> RiskAssessment:
    _require_editable(award)
    if not risk.valid_answers(answers):
        raise InputError({"": [_("Answer every item of the checklist.")]})
    level = risk.level_of(answers)
    assessment = risk_of(award) or RiskAssessment(award_id=award.id)
    assessment.answers = dict(answers)
    assessment.level = level
    assessment.proposed_conditions = risk.conditions_for(level)
    assessment.conditions_accepted = False
    assessment.notes = (notes or "").strip()
    assessment.assessed_by_id = actor.id
    assessment.assessed_dt = now_utc()
    db.session.add(assessment)
    db.session.flush()
    record(
        "award.risk_assessed",
        award,
        changes={"answers": answers, "level": level},
        organisation_id=award.organisation_id,
    )
    return assessment


def accept_risk_conditions(award: Award, actor) -> None:
    """Append the proposed conditions to the special conditions (once)."""
    _require_editable(award)
    assessment = risk_of(award)
    if assessment is None or not assessment.proposed_conditions:
        raise InputError({"": [_("The risk assessment proposes no conditions.")]})
    if assessment.conditions_accepted:
        raise InputError({"": [_("The proposed conditions were already added.")]})
    texts = risk.condition_texts(assessment.proposed_conditions)
    current = (award.special_conditions or "").strip()
    award.special_conditions = "\n".join([current, *texts] if current else texts)
    if "no_advance" in assessment.proposed_conditions:
        award.advance_limit = None
    assessment.conditions_accepted = True
    db.session.flush()
    record(
        "award.risk_conditions_accepted",
        award,
        changes={"conditions": assessment.proposed_conditions},
        organisation_id=award.organisation_id,
    )


# Payment schedule -------------------------------------------------------------------------------
def add_milestone(
    award: Award, actor, *, deliverable: str, verification: str, due_date: date, amount: Decimal
) -> Milestone:
    _require_editable(award)
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter an amount greater than zero.")]
    else:
        errors.update(_check_scheduled(award, amount))
    if (
        award.start_date
        and award.end_date
        and due_date
        and not (award.start_date <= due_date <= award.end_date)
    ):
        errors["due_date"] = [_("The due date must fall within the award's term.")]
    if errors:
        raise InputError(errors)
    milestone = Milestone(
        position=len(award.milestones) + 1,
        deliverable=deliverable.strip(),
        verification=verification.strip(),
        due_date=due_date,
        amount=amount,
        currency=award.currency,
    )
    award.milestones.append(milestone)
    db.session.flush()
    record(
        "award.milestone_added",
        award,
        changes={"deliverable": milestone.deliverable, "due_date": due_date, "amount": amount},
        organisation_id=award.organisation_id,
    )
    return milestone


def _check_scheduled(award: Award, amount: Decimal) -> dict:
    """A milestone is at most the award, and the schedule with it does not exceed the award
    (``schedule_problems`` checks the whole schedule again when the agreement is issued)."""
    if amount > award.amount:
        message = _(
            "A milestone cannot be larger than the award (%(award)s).",
            award=figures(award.amount, award.currency),
        )
        return {"amount": [message]}
    total = award.scheduled_total + amount
    if total > award.amount:
        message = _(
            "With this milestone the schedule would add up to %(total)s, %(difference)s more "
            "than the award of %(award)s.",
            total=figures(total, award.currency),
            difference=figures(total - award.amount, award.currency),
            award=figures(award.amount, award.currency),
        )
        return {"amount": [message]}
    return {}


def remove_milestone(award: Award, actor, milestone: Milestone) -> None:
    _require_editable(award)
    award.milestones.remove(milestone)
    db.session.flush()
    record(
        "award.milestone_removed",
        award,
        changes={"deliverable": milestone.deliverable, "amount": milestone.amount},
        organisation_id=award.organisation_id,
    )


def schedule_problems(award: Award) -> list[str]:
    """Why the schedule cannot go into an agreement (empty list: it can)."""
    total = award.scheduled_total
    if not award.milestones:
        return [_("Add at least one milestone or tranche.")]
    difference = award.amount - total
    values = {
        "total": figures(total, award.currency),
        "award": figures(award.amount, award.currency),
        "difference": figures(abs(difference), award.currency),
    }
    if award.instrument == Instrument.FIXED_AMOUNT and difference != 0:
        if difference > 0:
            return [
                _(
                    "The milestones add up to %(total)s but the award is %(award)s: "
                    "%(difference)s is missing.",
                    **values,
                )
            ]
        return [
            _(
                "The milestones add up to %(total)s but the award is %(award)s: "
                "%(difference)s too much.",
                **values,
            )
        ]
    if difference < 0:
        return [
            _(
                "The tranches add up to %(total)s, more than the award of %(award)s "
                "(by %(difference)s).",
                **values,
            )
        ]
    return []


def issue_problems(award: Award) -> list[str]:
    problems = []
    if award.status not in (AwardStatus.APPROVED, AwardStatus.ISSUED):
        problems.append(_("Only an approved award, not yet signed, gets a new agreement."))
    if not award.start_date or not award.end_date:
        problems.append(_("Enter the start and end dates in the terms."))
    if risk_of(award) is None:
        problems.append(_("Complete the pre-award risk assessment."))
    return problems + schedule_problems(award)


# Agreements -------------------------------------------------------------------------------------
def agreements_of(award: Award) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.award_id == award.id)
            .order_by(Agreement.version.desc())
        )
    )


def current_agreement(award: Award) -> Agreement | None:
    found = agreements_of(award)
    return found[0] if found else None


def agreement_language(programme, actor) -> str:
    return "bilingual" if programme.bilingual_agreement else "es"


def issue_agreement(award: Award, actor) -> Agreement:
    """A new version (an amendment when one exists): earlier versions are superseded but kept,
    with their stored PDFs."""
    from portal.awards.agreement import canonical_json, content_of, schedule_render, sha256_hex

    problems = issue_problems(award)
    if problems:
        raise InputError({"": problems})
    version = (
        db.session.scalar(select(func.max(Agreement.version)).where(Agreement.award_id == award.id))
        or 0
    ) + 1
    for earlier in agreements_of(award):
        if earlier.status != AgreementStatus.SUPERSEDED:
            earlier.status = AgreementStatus.SUPERSEDED.value
    number = f"{award.application.reference}-A{version}"
    language = agreement_language(award.application.call.programme, actor)
    content = content_of(award, number, version, language, now_utc().date())
    agreement = Agreement(
        award_id=award.id,
        number=number,
        version=version,
        status=AgreementStatus.ISSUED.value,
        language=language,
        content=content,
        content_hash=sha256_hex(canonical_json(content)),
        issued_by_id=actor.id,
        issued_dt=now_utc(),
    )
    db.session.add(agreement)
    award.status = AwardStatus.ISSUED.value
    award.updated_dt = now_utc()
    db.session.flush()
    record(
        "agreement.issued",
        agreement,
        changes={"number": number, "version": version, "content_hash": agreement.content_hash},
        organisation_id=award.organisation_id,
    )
    schedule_render(agreement)
    notifications.notify_agreement_issued(award, agreement)
    return agreement
