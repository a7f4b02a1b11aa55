"""Grantee reports: drafting, certifying and submitting (grantee), approving or returning with
comments per question (grants manager), the thread, and staff's edits of the schedule.

Each operation validates, changes state (``GRANT_REPORT``), writes the audit entry and
flushes; the request commits once. E-mails are queued in the outbox (sent after the commit).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if
from portal.reports import extensions, notifications, permissions
from portal.reports.constants import (
    CERTIFICATION_SOURCE,
    COMMENT_MAX_CHARS,
    EDITABLE_REPORT,
    ReportKind,
    ReportStatus,
)
from portal.reports.models import GrantReport, ReportComment
from portal.reports.questions import snapshot_of
from portal.reports.states import GRANT_REPORT

NOT_EDITABLE = _l("This report was submitted: it can no longer be changed.")


def _org(report) -> int:
    return report.award.organisation_id


def _refuse_unless(report, action: str, message) -> None:
    """Lock the report's row (PostgreSQL: two people deciding at once wait for each other and
    the second sees the first one's state), then refuse a move its state does not allow."""
    if report.id is not None:
        # Lock the row alone (refresh(with_for_update) would lock through the eager outer joins
        # of the award, which PostgreSQL refuses), then reload what the winner wrote.
        db.session.execute(
            select(GrantReport.id).where(GrantReport.id == report.id).with_for_update()
        )
        db.session.refresh(report)
    if not GRANT_REPORT.can(report, action):
        raise InputError({"": [message]})


# Grantee ----------------------------------------------------------------------------------------
def save_answers(report: GrantReport, actor, answers: dict) -> None:
    """Keep the draft's answers (incomplete answers are fine: submission checks them)."""
    refuse_if_closed(report.award)
    if report.status not in EDITABLE_REPORT:
        raise InputError({"": [NOT_EDITABLE]})
    report.answers = {**(report.answers or {}), **answers}
    report.updated_dt = now_utc()
    if report.status == ReportStatus.DUE.value:
        GRANT_REPORT.move(report, "save", organisation_id=_org(report))
    db.session.flush()


def missing_answers(report: GrantReport) -> list[str]:
    answers = report.answers or {}
    return [
        q["key"]
        for q in snapshot_of(report)["questions"]
        if q.get("required") and answers.get(q["key"]) in (None, "", [])
    ]


def _normal(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def submit_report(report: GrantReport, actor, *, certified: bool, typed_name: str) -> None:
    refuse_if_closed(report.award)
    _refuse_unless(report, "submit", NOT_EDITABLE)
    errors: dict = {}
    if not permissions.can_certify(report, actor):
        errors[""] = [_l("Only the organisation's designated signatory certifies a report.")]
    if not certified:
        errors["certified"] = [_l("Tick the certification to submit the report.")]
    if not (typed_name or "").strip() or _normal(typed_name) != _normal(actor.full_name):
        errors["typed_name"] = [
            _l("Type your full name exactly as in your account: %(name)s.", name=actor.full_name)
        ]
    snapshot = snapshot_of(report)
    missing = missing_answers(report)
    if missing:
        labels = [q["label"] for q in snapshot["questions"] if q["key"] in missing]
        errors.setdefault("", []).append(
            _l(
                "Answer every required question before submitting (%(n)s missing): save your "
                "answers first.",
                n=len(labels),
            )
        )
    problems = [str(p) for p in extensions.submission_problems(report)]
    if problems:
        errors.setdefault("", []).extend(problems)
    raise_if(errors)
    report.form_snapshot = snapshot["questions"]
    report.certification_text = CERTIFICATION_SOURCE
    report.certified_name = " ".join(typed_name.split())
    report.certified_by_id = actor.id
    report.submitted_dt = now_utc()
    report.submissions = (report.submissions or 0) + 1
    report.updated_dt = now_utc()
    GRANT_REPORT.move(
        report,
        "submit",
        changes={"certified_name": report.certified_name, "round": report.submissions},
        organisation_id=_org(report),
    )
    db.session.flush()
    notifications.report_submitted(report)


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\x00", "").strip()


def reply(report: GrantReport, actor, body: str, question_key: str | None = None) -> ReportComment:
    """A message in the report's thread (grantee or staff)."""
    refuse_if_closed(report.award)
    body = _clean(body)
    raise_if(
        {
            "body": [_l("Write your message.")]
            if not body
            else (
                [_l("At most %(n)s characters.", n=COMMENT_MAX_CHARS)]
                if len(body) > COMMENT_MAX_CHARS
                else []
            )
        }
    )
    keys = {q["key"] for q in snapshot_of(report)["questions"]}
    comment = ReportComment(
        report_id=report.id,
        question_key=question_key if question_key in keys else None,
        author_id=actor.id,
        body=body,
        round=report.submissions or 0,
    )
    db.session.add(comment)
    db.session.flush()
    record(
        "grant_report.replied",
        report,
        changes={"round": comment.round},
        organisation_id=_org(report),
    )
    return comment


# Staff ------------------------------------------------------------------------------------------
NOT_SUBMITTED = _l("Only a submitted report can be approved or returned.")


def approve_report(report: GrantReport, actor, *, comment: str = "") -> None:
    refuse_if_closed(report.award)
    _refuse_unless(report, "approve", NOT_SUBMITTED)
    body = _clean(comment)
    if len(body) > COMMENT_MAX_CHARS:
        raise InputError({"comment": [_l("At most %(n)s characters.", n=COMMENT_MAX_CHARS)]})
    report.decided_by_id = actor.id
    report.decided_dt = now_utc()
    report.updated_dt = now_utc()
    if body:
        db.session.add(
            ReportComment(
                report_id=report.id, author_id=actor.id, body=body, round=report.submissions
            )
        )
    GRANT_REPORT.move(report, "approve", organisation_id=_org(report))
    db.session.flush()
    notifications.report_decided(report)


def return_report(report: GrantReport, actor, *, general: str, per_question: dict) -> None:
    """Back to the grantee with at least one comment (general, or on some questions)."""
    refuse_if_closed(report.award)
    _refuse_unless(report, "return", NOT_SUBMITTED)
    keys = [q["key"] for q in (report.form_snapshot or [])]
    comments = {k: _clean(per_question.get(k)) for k in keys}
    comments = {k: v for k, v in comments.items() if v}
    general = _clean(general)
    errors: dict = {}
    for key, text in [*comments.items(), ("general", general)]:
        if len(text) > COMMENT_MAX_CHARS:
            name = "general" if key == "general" else f"c_{key}"
            errors[name] = [_l("At most %(n)s characters.", n=COMMENT_MAX_CHARS)]
    if not comments and not general:
        errors["general"] = [
            _l("Write at least one comment (on a question or on the whole report) to return it.")
        ]
    raise_if(errors)
    for key, text in [*comments.items(), *([(None, general)] if general else [])]:
        db.session.add(
            ReportComment(
                report_id=report.id,
                question_key=key,
                author_id=actor.id,
                body=text,
                round=report.submissions,
            )
        )
    report.decided_by_id = actor.id
    report.decided_dt = now_utc()
    report.updated_dt = now_utc()
    GRANT_REPORT.move(
        report,
        "return",
        changes={"comments": len(comments) + (1 if general else 0)},
        organisation_id=_org(report),
    )
    db.session.flush()
    notifications.report_decided(report)


# The schedule (staff) ---------------------------------------------------------------------------
KINDS = {k.value for k in ReportKind}


def _check_schedule(award, *, kind, period_start, period_end, due_on, milestone_id, exclude=None):
    errors: dict = {}
    if kind not in KINDS:
        errors["kind"] = [_l("Choose the kind of report.")]
    if period_start is None:
        errors["period_start"] = [_l("Enter the first day of the period.")]
    if period_end is None:
        errors["period_end"] = [_l("Enter the last day of the period.")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_l("The period must end on or after the day it starts.")]
    if due_on is None:
        errors["due_on"] = [_l("Enter the due date.")]
    elif period_end and due_on < period_end:
        errors["due_on"] = [_l("A report cannot be due before its period ends.")]
    if milestone_id and milestone_id not in {m.id for m in award.milestones}:
        errors["gates_milestone_id"] = [_l("Choose a milestone of this grant.")]
    if not errors:
        clash = select(GrantReport.id).where(
            GrantReport.award_id == award.id,
            GrantReport.kind == kind,
            GrantReport.period_end == period_end,
        )
        if exclude is not None:
            clash = clash.where(GrantReport.id != exclude)
        if db.session.scalar(clash) is not None:
            errors["period_end"] = [
                _l("This grant already has a report of this kind for a period ending that day.")
            ]
    raise_if(errors)


def add_report(
    award,
    actor,
    *,
    kind: str,
    period_start: date,
    period_end: date,
    due_on: date,
    milestone_id: int | None = None,
) -> GrantReport:
    refuse_if_closed(award)
    _check_schedule(
        award,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        milestone_id=milestone_id,
    )
    report = GrantReport(
        award_id=award.id,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        gates_milestone_id=milestone_id or None,
        status=ReportStatus.DUE.value,
        answers={},
    )
    db.session.add(report)
    db.session.flush()
    record(
        "grant_report.added",
        report,
        changes={"kind": kind, "due_on": due_on, "period_end": period_end},
        organisation_id=award.organisation_id,
    )
    return report


def change_schedule(
    report: GrantReport,
    actor,
    *,
    period_start: date,
    period_end: date,
    due_on: date,
    milestone_id: int | None = None,
) -> None:
    refuse_if_closed(report.award)
    if report.status == ReportStatus.APPROVED.value:
        raise InputError({"": [_l("An approved report's dates can no longer change.")]})
    award = report.award
    _check_schedule(
        award,
        kind=report.kind,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        milestone_id=milestone_id,
        exclude=report.id,
    )
    before = {
        "period_start": report.period_start,
        "period_end": report.period_end,
        "due_on": report.due_on,
        "gates_milestone_id": report.gates_milestone_id,
    }
    report.period_start, report.period_end, report.due_on = period_start, period_end, due_on
    report.gates_milestone_id = milestone_id or None
    after = {
        "period_start": report.period_start,
        "period_end": report.period_end,
        "due_on": report.due_on,
        "gates_milestone_id": report.gates_milestone_id,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        report.updated_dt = now_utc()
        db.session.flush()
        record(
            "grant_report.schedule_changed", report, changes=changes, organisation_id=_org(report)
        )


def can_remove(report: GrantReport) -> bool:
    from portal.reports.documents import has_documents

    return (
        report.status == ReportStatus.DUE.value
        and not any(v not in (None, "", []) for v in (report.answers or {}).values())
        and not report.comments
        and not has_documents(report)
    )


NOT_REMOVABLE = _l("Only a report the grantee has not started can be removed from the schedule.")


def remove_report(report: GrantReport, actor) -> None:
    refuse_if_closed(report.award)
    if not can_remove(report):
        raise InputError({"": [NOT_REMOVABLE]})
    record(
        "grant_report.removed",
        report,
        changes={"kind": report.kind, "due_on": report.due_on},
        organisation_id=_org(report),
    )
    db.session.delete(report)
    db.session.flush()
