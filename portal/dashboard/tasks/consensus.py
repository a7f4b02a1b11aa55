"""Calls with applications whose reviews are in but whose consensus is not recorded: the
panel chair's task and the grants manager's."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select

from portal.applications.models import Application
from portal.calls.models import Call
from portal.core.i18n import localized
from portal.dashboard.tasks.base import Task, TaskGroup, call_columns, first_rows
from portal.reviews.models import Consensus, Review


def consensus_pending(call_condition) -> TaskGroup:
    group = TaskGroup("consensus", _("Consensus to record"))
    submitted = exists().where(
        Review.application_id == Application.id, Review.status == "submitted"
    )
    recorded = exists().where(Consensus.application_id == Application.id)
    rows, group.total = first_rows(
        select(*call_columns(), func.count(Application.id).label("waiting"))
        .join(Application, Application.call_id == Call.id)
        .where(call_condition, Application.status == "under_review", submitted, ~recorded)
        .group_by(Call.id, *call_columns())
        .order_by(Call.code)
    )
    group.tasks = [
        Task(
            subject=f"{r.code} — {localized(r, 'title')}",
            detail=ngettext(
                "%(num)d application reviewed without consensus",
                "%(num)d applications reviewed without consensus",
                r.waiting,
            ),
            url=url_for("reviews.panel_applications", code=r.code),
            action=_("Record the consensus"),
        )
        for r in rows
    ]
    return group
