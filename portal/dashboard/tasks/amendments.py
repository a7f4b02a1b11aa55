"""Amendment tasks (issue 15): a grants manager's amendments to review (submitted, in the
programmes they manage) and to countersign (signed by the grantee), a grantee's amendments
returned for changes (organisations where the person is an owner or the signatory) and to sign
(approved, its document rendered; organisations where the person is the signatory). One SQL
statement per group."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.models import Application
from portal.awards.amendments.document_models import AmendmentDocument
from portal.awards.amendments.models import Amendment
from portal.awards.models import Award
from portal.calls.models import Call
from portal.dashboard.tasks.base import Task, TaskGroup, first_rows


def _rows(*where):
    return (
        select(
            Amendment.id,
            Amendment.number,
            Amendment.submitted_dt,
            Application.reference,
            Application.title,
        )
        .join(Award, Award.id == Amendment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .where(*where)
        .order_by(Amendment.submitted_dt, Amendment.id)
    )


def _tasks(rows, action: str) -> list[Task]:
    return [
        Task(
            subject=f"{r.reference} — {r.title}",
            detail=_("Amendment %(number)s", number=r.number),
            url=url_for("awards.amendment", amendment_id=r.id),
            action=action,
        )
        for r in rows
    ]


def to_review(mine) -> TaskGroup:
    """``mine``: the SQL condition on ``Call`` of the programmes the manager runs."""
    group = TaskGroup("amendments", _("Amendments to review"))
    rows, group.total = first_rows(_rows(mine, Amendment.status == "submitted"))
    group.tasks = _tasks(rows, _("Review the amendment"))
    return group


def returned(orgs: list[int]) -> TaskGroup:
    group = TaskGroup("amendments_returned", _("Amendments returned for changes"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        _rows(
            Award.organisation_id.in_(orgs),
            Amendment.status == "changes_requested",
            Amendment.started_by_staff.is_(False),
        )
    )
    group.tasks = _tasks(rows, _("Revise and submit again"))
    return group


def second_approvals(mine, user) -> TaskGroup:
    """Amendments approved by another grants manager, waiting for this one's approval."""
    group = TaskGroup("amendments_second", _("Amendments awaiting a second approval"))
    rows, group.total = first_rows(
        _rows(
            mine,
            Amendment.status == "pending_second_approval",
            Amendment.first_approved_by_id != user.id,
        )
    )
    group.tasks = _tasks(rows, _("Give the second approval"))
    return group


def _to_sign_rows(*where):
    return _rows(*where).join(AmendmentDocument, AmendmentDocument.amendment_id == Amendment.id)


def to_sign(orgs: list[int]) -> TaskGroup:
    """``orgs``: the organisations where the person is the designated signatory."""
    group = TaskGroup("amendments_to_sign", _("Amendments to sign"))
    if not orgs:
        return group
    rows, group.total = first_rows(
        _to_sign_rows(
            Award.organisation_id.in_(orgs),
            Amendment.status == "approved",
            AmendmentDocument.document_id.is_not(None),
        )
    )
    group.tasks = _tasks(rows, _("Sign the amendment"))
    return group


def to_countersign(mine) -> TaskGroup:
    group = TaskGroup("amendments_to_countersign", _("Amendments to countersign"))
    rows, group.total = first_rows(_to_sign_rows(mine, Amendment.status == "signed_by_grantee"))
    group.tasks = _tasks(rows, _("Countersign the amendment"))
    return group
