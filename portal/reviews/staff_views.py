"""Staff pages for assignments and progress (grants managers of the programme, administrators)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import raiseload, selectinload

from portal.applications.models import Application
from portal.core.db import db
from portal.core.forms import choice_list
from portal.core.pagination import DEFAULT_PER_PAGE, Page, paginate, requested_page
from portal.core.views import run_action
from portal.reviews import assignment as assigning
from portal.reviews import operations
from portal.reviews import progress as call_progress
from portal.reviews.constants import AssignmentState
from portal.reviews.forms import ActionForm, AssignForm
from portal.reviews.models import Assignment, Review
from portal.reviews.review_operations import send_reminders
from portal.reviews.views import application_in, bp, managed_call

PER_PAGE = DEFAULT_PER_PAGE


@dataclass
class Coverage:
    """One application's reviewers, as the assignments page and the progress page show it."""

    application: Application
    assignments: list[Assignment] = field(default_factory=list)
    reviews: dict[int, Review] = field(default_factory=dict)  # by assignment id

    @property
    def active(self) -> list[Assignment]:
        return [a for a in self.assignments if a.is_active]

    @property
    def recused(self) -> list[Assignment]:
        return [a for a in self.assignments if not a.is_active]

    def submitted(self) -> int:
        return sum(1 for a in self.active if self._status(a) == "submitted")

    def drafts(self) -> int:
        return sum(1 for a in self.active if self._status(a) == "draft")

    def _status(self, assignment) -> str | None:
        review = self.reviews.get(assignment.id)
        return review.status if review else None


def coverage(call, number: int) -> Page:
    """One page of the applications under review, each with its assignments and reviews
    (four statements whatever the size of the call)."""
    page = paginate(assigning.reviewable_query(call), number, PER_PAGE, scalars=True)
    by_id = {a.id: Coverage(a) for a in page.items}
    if not by_id:
        return page
    rows = db.session.scalars(
        select(Assignment)
        .where(Assignment.call_id == call.id, Assignment.application_id.in_(list(by_id)))
        .options(selectinload(Assignment.reviewer))
        .order_by(Assignment.id)
    ).all()
    reviews = {
        r.assignment_id: r
        # Only their status is shown: not their scores (selectin, six per review).
        for r in db.session.scalars(
            select(Review)
            .where(Review.call_id == call.id, Review.application_id.in_(list(by_id)))
            .options(raiseload(Review.scores))
        )
    }
    for row in rows:
        item = by_id[row.application_id]
        item.assignments.append(row)
        if row.id in reviews:
            item.reviews[row.id] = reviews[row.id]
    return Page(list(by_id.values()), page.number, page.per_page, page.total)


def page_of(call, application) -> int:
    """The page of the assignments list that shows ``application``."""
    before = db.session.scalar(
        select(func.count()).select_from(
            assigning.reviewable_query(call)
            .where(
                tuple_(Application.number, Application.id)
                < tuple_(application.number, application.id)
            )
            .order_by(None)
            .subquery()
        )
    )
    return before // PER_PAGE + 1


# Assignments -------------------------------------------------------------------------------------
@bp.get("/calls/<code>/assignments")
@login_required
def assignments(code: str):
    call = managed_call(code, form=False)
    panel = operations.panel_of(call)
    page = coverage(call, requested_page())
    members = panel.members if panel else []
    forms = {}
    for item in page.items:
        taken = {a.reviewer_id for a in item.assignments}
        form = AssignForm()
        form.reviewer_id.choices = choice_list(
            (m.user_id, m.user.full_name) for m in members if m.user_id not in taken
        )
        forms[item.application.id] = form
    return render_template(
        "reviews/assignments.html",
        call=call,
        panel=panel,
        page=page,
        forms=forms,
        action_form=ActionForm(),
        AssignmentState=AssignmentState,
    )


@bp.post("/calls/<code>/assignments/auto")
@login_required
def assign_auto(code: str):
    call = managed_call(code)
    panel = operations.panel_of(call)
    if panel is None or not panel.members:
        flash(_("Add reviewers to the panel first."), "warning")
        return redirect(url_for("reviews.panel", code=call.code))
    if not ActionForm().validate_on_submit():
        abort(400)
    result = run_action(assigning.auto_assign, call, panel, current_user)
    if result:
        flash(_("%(n)s assignment(s) made.", n=len(result.pairs)), "success")
        if result.gaps:
            flash(
                _(
                    "%(n)s application(s) still lack reviewers: not enough eligible panel "
                    "members (conflicts of interest or membership of the applicant).",
                    n=len(result.gaps),
                ),
                "warning",
            )
    return redirect(url_for("reviews.assignments", code=call.code))


@bp.post("/calls/<code>/assignments/<int:application_id>")
@login_required
def assign_one(code: str, application_id: int):
    call = managed_call(code)
    application = application_in(call, application_id)
    panel = operations.panel_of(call)
    if panel is None:
        abort(404)
    form = AssignForm()
    form.reviewer_id.choices = choice_list((m.user_id, m.user.full_name) for m in panel.members)
    if form.validate_on_submit():
        run_action(
            assigning.assign,
            call,
            panel,
            application,
            form.reviewer_id.data,
            current_user,
            message=_("The reviewer is assigned."),
        )
    else:
        flash(_("Choose a member of the panel."), "danger")
    page = page_of(call, application)
    return redirect(
        url_for("reviews.assignments", code=call.code, page=page if page > 1 else None)
        + f"#app-{application.id}"
    )


@bp.post("/calls/<code>/assignments/remove/<int:assignment_id>")
@login_required
def unassign(code: str, assignment_id: int):
    call = managed_call(code)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.call_id != call.id:
        abort(404)
    if ActionForm().validate_on_submit():
        run_action(
            assigning.unassign,
            call,
            assignment,
            current_user,
            message=_("The assignment is removed."),
        )
    return redirect(url_for("reviews.assignments", code=call.code))


# Progress ----------------------------------------------------------------------------------------
@bp.get("/calls/<code>/progress")
@login_required
def progress(code: str):
    """Counts per reviewer (all of them) and per application (a page of them), by the
    database: see ``portal.reviews.progress``."""
    call = managed_call(code, form=False)
    return render_template(
        "reviews/progress.html",
        call=call,
        reviewers=call_progress.per_reviewer(call),
        page=call_progress.per_application(call, requested_page()),
        expected=call_progress.expected_reviewers(call),
        action_form=ActionForm(),
    )


@bp.post("/calls/<code>/progress/remind")
@login_required
def remind(code: str):
    call = managed_call(code)
    if ActionForm().validate_on_submit():
        sent = run_action(send_reminders, call, current_user)
        if sent is not None:
            flash(_("Reminders sent to %(n)s reviewer(s).", n=sent), "success")
    return redirect(url_for("reviews.progress", code=call.code))
