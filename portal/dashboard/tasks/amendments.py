"""Amendment tasks (issue 15): a grants manager's amendments to review (submitted, in the
programmes they manage) and a grantee's amendments returned for changes (organisations where
the person is an owner or the signatory). One SQL statement per group."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.models import Application
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
