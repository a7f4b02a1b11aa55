"""Business logic of applications: start, save, submit, withdraw, ask and answer questions.

Operations validate, change state, write the audit entry and the timeline, queue e-mails and
flush; they never commit. Permission checks (``can_edit``, ``can_submit``...) are the views'
job; operations re-check the state rules that concurrent requests could have changed.
Refusals raise ``InputError`` (messages per form field), ``StaleApplicationError`` (optimistic
lock) or ``SubmissionRefusedError`` (the checklist), and change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defaultload, selectinload

from portal.applications.budget import totals_of
from portal.applications.constants import ApplicationStatus
from portal.applications.models import (
    Application,
    ApplicationMessage,
    BudgetLine,
    CofinanceSource,
    StatusChange,
)
from portal.applications.references import format_reference, next_number
from portal.applications.states import APPLICATION, action_to
from portal.applications.validation import Problem, checklist, deadline_problems
from portal.audit.operations import diff, record
from portal.calls.models import Call, Programme
from portal.calls.rules import evaluate_eligibility, form_snapshot, visible_questions
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.documents.operations import available_documents


class StaleApplicationError(Exception):
    """The application changed since the page was loaded; nothing was saved."""


class SubmissionRefusedError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__([p.message for p in problems])
        self.problems = problems


# Loading ------------------------------------------------------------------------------------
def load_full(application_id: int, lock: bool = False, budget: bool = True) -> Application | None:
    """The application with its budget rows (``lock``: row lock until the transaction ends;
    ``budget=False``: without them, for the answers page that every autosave posts to).

    The call comes with its form (questions, document slots, quiz: the snapshot and the
    checklist need them); its notices and the programme's managers load only if used (two
    statements fewer on every autosave and submission, issue 18)."""
    call = defaultload(Application.call)
    rows = (selectinload(Application.lines), selectinload(Application.sources)) if budget else ()
    stmt = (
        select(Application)
        .where(Application.id == application_id)
        .options(
            *rows,
            call.lazyload(Call.notices),
            call.defaultload(Call.programme).lazyload(Programme.managers),
        )
        .execution_options(populate_existing=True)
    )
    if lock:
        stmt = stmt.with_for_update(of=Application)
    return db.session.scalar(stmt)


def current_documents(application: Application) -> dict:
    """Slot key → the current (latest available) document of that slot."""
    found: dict = {}
    for document in available_documents("application", application.id):
        found.setdefault(document.slot, document)
    return found


def _check_version(application: Application, expected: int | None) -> None:
    if expected is None or expected != application.version_id:
        raise StaleApplicationError()


def _touch(application: Application, actor) -> None:
    application.updated_dt = now_utc()


# Status moves -------------------------------------------------------------------------------
def move(
    application: Application,
    to: ApplicationStatus,
    actor,
    note: str | None = None,
    *,
    changes: dict | None = None,
) -> None:
    """Change the status through ``APPLICATION`` (states.py) and add the timeline entry. The
    moves of this package write their audit entry (with ``changes``); the reviews and awards
    domains' moves write none here (they record their own decision)."""
    current = application.status_enum
    refusal = _(
        "An application cannot go from %(current)s to %(target)s.",
        current=current.label,
        target=to.label,
    )
    with db.session.no_autoflush:  # the audit entry's queries must not flush a half-made move
        APPLICATION.move(
            application,
            action_to(current.value, to.value) or "",
            changes=changes,
            organisation_id=application.organisation_id,
            refusal=refusal,
        )
    db.session.add(
        StatusChange(
            application_id=application.id,
            from_status=current.value,
            to_status=to.value,
            by_id=getattr(actor, "id", None),
            created_dt=now_utc(),
            note=note or None,
        )
    )


def timeline(application: Application) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.application_id == application.id)
            .options(selectinload(StatusChange.by))
            .order_by(StatusChange.created_dt, StatusChange.id)
        )
    )


# Starting and eligibility ---------------------------------------------------------------------
def eligibility_reasons(call_or_snapshot, answers: dict, organisation) -> list:
    """Why these quiz answers (and this organisation) are not eligible. Writes nothing."""
    return evaluate_eligibility(call_or_snapshot, answers, organisation=organisation)


def start_application(call, organisation, actor, quiz_answers: dict, now: datetime | None = None):
    """A new draft for ``organisation``; the quiz answers and their result are kept with it."""
    now = now or now_utc()
    if not call.is_open(now):
        raise InputError({"": [_("This call is not open for applications.")]})
    reasons = eligibility_reasons(call, quiz_answers, organisation)
    application = Application(
        call=call,
        organisation=organisation,
        created_by_id=actor.id,
        currency=call.currency,
        title="",
        answers={},
        eligibility_answers=dict(quiz_answers),
        eligible=not reasons,
        ineligibility=[_reason_json(r) for r in reasons],
        eligibility_dt=now,
        created_dt=now,
        updated_dt=now,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        StatusChange(
            application_id=application.id,
            to_status=ApplicationStatus.DRAFT.value,
            by_id=actor.id,
            created_dt=now,
        )
    )
    record(
        "application.created",
        application,
        changes={"call": call.code, "eligible": application.eligible},
        organisation_id=organisation.id,
        user=actor,
    )
    return application


def _reason_json(reason) -> dict:
    return {"kind": reason.kind, "key": reason.key, "text": dict(reason.text)}


def save_eligibility(application: Application, answers: dict, actor, expected_version) -> list:
    _check_version(application, expected_version)
    reasons = eligibility_reasons(application.snapshot(), answers, application.organisation)
    before = {"eligible": application.eligible}
    application.eligibility_answers = dict(answers)
    application.eligible = not reasons
    application.ineligibility = [_reason_json(r) for r in reasons]
    application.eligibility_dt = now_utc()
    _touch(application, actor)
    db.session.flush()
    record(
        "application.eligibility_checked",
        application,
        changes={**diff(before, {"eligible": application.eligible}), "answers": answers},
        organisation_id=application.organisation_id,
        user=actor,
    )
    return reasons


# Answers -----------------------------------------------------------------------------------
def save_answers(application: Application, title: str, answers: dict, actor, expected_version):
    """Save a draft's title and answers (whatever is filled in; completeness is checked at
    submission). Answers to questions no longer in the form are kept, unused."""
    if not application.is_draft:
        raise InputError({"": [_("A submitted application can no longer be changed.")]})
    _check_version(application, expected_version)
    merged = {**(application.answers or {}), **answers}
    changed = sorted(k for k in merged if merged.get(k) != (application.answers or {}).get(k))
    title_changed = (title or "") != application.title
    application.title = title or ""
    application.answers = merged
    _touch(application, actor)
    db.session.flush()
    if changed or title_changed:
        record(
            "application.updated",
            application,
            changes={"questions": changed, **({"title": title} if title_changed else {})},
            organisation_id=application.organisation_id,
            user=actor,
        )
    return application


# Submission ---------------------------------------------------------------------------------
def submit(application: Application, actor, received_at: datetime | None = None) -> Application:
    """Check everything again and submit, or raise ``SubmissionRefusedError``.

    The deadline is checked against the clock at the moment of submission (twice: before the
    checklist, and again just before the change is written), never against a time computed
    when the page was shown. ``received_at`` (``portal.core.requests.received_at``) is when the
    request reached the portal: a submission that arrived before the deadline is accepted even
    if, in the last-minute rush, a worker reaches it or a lock frees just after — but only
    within ``RECEIVED_AT_MAX_WAIT`` seconds, so a request trickled in slowly buys no time.
    """
    locked = load_full(application.id, lock=True)
    if locked is None or not locked.is_draft:
        raise InputError({"": [_("This application has already been submitted or withdrawn.")]})
    problems = checklist(locked, _deadline_clock(received_at), current_documents(locked))
    if problems:
        raise SubmissionRefusedError(problems)
    snapshot = form_snapshot(locked.call)
    visible = {q["key"] for q in visible_questions(snapshot, locked.answers or {})}
    locked.answers = {k: v for k, v in (locked.answers or {}).items() if k in visible}
    locked.form_snapshot = snapshot
    locked.form_version = locked.call.form_version
    refresh_totals(locked)
    now = now_utc()
    late = deadline_problems(locked.call, _deadline_clock(received_at, now))
    if late:
        raise SubmissionRefusedError(late)
    locked.number = next_number(locked.call_id)
    locked.reference = format_reference(locked.call.code, locked.number)
    locked.submitted_dt = now
    locked.submitted_by_id = actor.id
    move(
        locked,
        ApplicationStatus.SUBMITTED,
        actor,
        changes={
            "reference": locked.reference,
            "form_version": locked.form_version,
            "requested_total": locked.requested_total,
            "cofinance_pct": locked.cofinance_pct,
        },
    )
    _touch(locked, actor)
    db.session.flush()
    from portal.applications.notifications import notify_submitted

    notify_submitted(locked, actor)
    return locked


def _deadline_clock(received_at: datetime | None, now: datetime | None = None) -> datetime:
    """The time a submission is judged at: when it arrived, if that was at most
    ``RECEIVED_AT_MAX_WAIT`` seconds ago; otherwise now."""
    now = now or now_utc()
    if received_at is None or received_at > now:
        return now
    limit = timedelta(seconds=current_app.config.get("RECEIVED_AT_MAX_WAIT", 60))
    return received_at if now - received_at <= limit else now


def refresh_totals(application: Application):
    """Copy the budget totals onto the application (for SQL filters and sorting)."""
    totals = totals_of(application)
    application.requested_total = totals.requested
    application.cost_share_total = totals.cost_share
    application.leverage_total = totals.leverage
    application.cofinance_pct = totals.cofinance_pct
    return totals


# Withdrawal ---------------------------------------------------------------------------------
def withdraw(application: Application, actor, reason: str | None, now: datetime | None = None):
    now = now or now_utc()
    if not application.call.closes_dt or now >= application.call.closes_dt:
        raise InputError(
            {"": [_("The deadline has passed: the application can no longer be withdrawn.")]}
        )
    changes = {"status": [application.status, ApplicationStatus.WITHDRAWN.value]}
    move(
        application,
        ApplicationStatus.WITHDRAWN,
        actor,
        note=reason,
        changes={**changes, "reason": reason or ""},
    )
    application.withdrawn_dt = now
    application.withdrawal_reason = reason or None
    _touch(application, actor)
    db.session.flush()
    return application


# More information ---------------------------------------------------------------------------
def messages(application: Application) -> list[ApplicationMessage]:
    return list(
        db.session.scalars(
            select(ApplicationMessage)
            .where(ApplicationMessage.application_id == application.id)
            .options(selectinload(ApplicationMessage.author))
            .order_by(ApplicationMessage.created_dt, ApplicationMessage.id)
        )
    )


def request_information(application: Application, actor, text: str) -> ApplicationMessage:
    """Staff ask a question; the answers stay locked, the applicant replies in the thread."""
    message = _add_message(application, actor, text, from_staff=True)
    move(
        application,
        ApplicationStatus.MORE_INFORMATION_REQUESTED,
        actor,
        note=text,
        changes={"message_id": message.id},
    )
    _touch(application, actor)
    db.session.flush()
    from portal.applications.notifications import notify_information_requested

    notify_information_requested(application, message)
    return message


def provide_information(application: Application, actor, text: str, upload=None):
    """The applicant's answer (with an optional attachment) returns the status to submitted."""
    if application.status != ApplicationStatus.MORE_INFORMATION_REQUESTED:
        raise InputError({"": [_("No information has been requested for this application.")]})
    message = _add_message(application, actor, text, from_staff=False)
    if upload is not None and upload.filename:
        _attach(application, message, actor, upload)
    move(
        application,
        ApplicationStatus.SUBMITTED,
        actor,
        changes={"message_id": message.id, "attachment": bool(upload and upload.filename)},
    )
    _touch(application, actor)
    db.session.flush()
    from portal.applications.notifications import notify_information_provided

    notify_information_provided(application, message)
    return message


def _add_message(application, actor, text: str, from_staff: bool) -> ApplicationMessage:
    message = ApplicationMessage(
        application_id=application.id,
        author_id=actor.id,
        from_staff=from_staff,
        body=text,
        created_dt=now_utc(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _attach(application, message, actor, upload) -> None:
    from portal.applications.documents import ATTACHMENT, message_owner
    from portal.documents.operations import upload_file

    outcome = upload_file(message_owner(message, application), ATTACHMENT, actor, upload)
    if not outcome.ok:
        raise InputError(
            {"attachment": [_("The file was not accepted: %(reason)s", reason=outcome.message)]}
        )


# Budget -------------------------------------------------------------------------------------
from portal.applications.budget_operations import save_budget  # noqa: E402

__all__ = [
    "BudgetLine",
    "CofinanceSource",
    "StaleApplicationError",
    "SubmissionRefusedError",
    "save_budget",
    "submit",
]
