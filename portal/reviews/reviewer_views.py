"""Reviewers' pages: my assignments, the conflict-of-interest declaration, the application
(read-only) with the scoring form, and the application's documents.

Every route starts from the reviewer's own assignment (``my_assignment``: anyone else's is a
404). The application and its documents open only after a "no conflict" declaration.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, select

from portal.applications.models import Application
from portal.calls.models import Call
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.core.views import run
from portal.documents.models import Document
from portal.documents.operations import record_download, storage_for
from portal.reviews import operations, presenter, review_operations
from portal.reviews.constants import ReviewStatus
from portal.reviews.forms import DeclarationForm, review_form_class
from portal.reviews.models import Assignment, Panel, Review
from portal.reviews.permissions import can_open_application, is_reviewer
from portal.reviews.views import bp, my_assignment


@bp.get("/reviews/")
@login_required
def my_assignments():
    if not is_reviewer(current_user):
        abort(404)
    chaired = db.session.scalars(
        select(Call).join(Panel, Panel.call_id == Call.id).where(Panel.chair_id == current_user.id)
    ).all()
    rows = _assignment_rows(current_user.id)
    return render_template("reviews/my_assignments.html", assignments=rows, chaired=chaired)


def _assignment_rows(user_id: int) -> list:
    """One row per assignment with only what the list shows, in one statement: loading whole
    applications (answers) and reviews (with their scores) cost ~100 ms for 200 assignments."""
    submitted = Review.status == ReviewStatus.SUBMITTED.value
    return db.session.execute(
        select(
            Assignment.id,
            Assignment.conflict,
            Application.reference,
            Application.title,
            Call.code,
            Review.id.label("review_id"),
            submitted.label("submitted"),
        )
        .join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .outerjoin(
            Review, and_(Review.assignment_id == Assignment.id, Review.reviewer_id == user_id)
        )
        .where(Assignment.reviewer_id == user_id)
        .order_by(Assignment.assigned_dt.desc(), Assignment.id.desc())
    ).all()


def _context(assignment):
    application = db.session.get(Application, assignment.application_id)
    call = application.call
    panel = operations.panel_of(call)
    return application, call, panel, operations.rubric_of(call)


def _review_form(rubric, review):
    form_class = review_form_class(rubric)
    form = form_class()
    if not form.is_submitted() and review is not None:
        for score in review.scores:
            if f"score_{score.criterion_id}" in form:
                form[f"score_{score.criterion_id}"].data = (
                    Decimal(score.score) if score.score is not None else None
                )
                form[f"comment_{score.criterion_id}"].data = score.comment
        form.overall_comment.data = review.overall_comment
    return form


def _others(assignment, panel, review):
    """Other reviewers' submitted scores, once this review is submitted and if the panel
    allows it (never drafts; reviewers are numbered, not named)."""
    if not (panel and panel.show_scores_after_submit and review and review.is_submitted):
        return []
    found = db.session.scalars(
        select(Review)
        .where(
            Review.application_id == assignment.application_id,
            Review.status == "submitted",
            Review.id != review.id,
        )
        .order_by(Review.id)
    ).all()
    return list(found)


def _page(assignment, form=None, declaration=None, code: int = 200):
    application, call, panel, rubric = _context(assignment)
    blind = bool(panel.blind) if panel else True
    if not can_open_application(assignment, current_user):
        return (
            render_template(
                "reviews/declare.html",
                assignment=assignment,
                application=application,
                call=call,
                blind=blind,
                form=declaration or DeclarationForm(),
            ),
            code,
        )
    review = review_operations.review_of(assignment)
    presented = presenter.present(application.id, blind)
    return (
        render_template(
            "reviews/review.html",
            assignment=assignment,
            call=call,
            panel=panel,
            rubric=rubric,
            review=review,
            form=form if form is not None else (_review_form(rubric, review) if rubric else None),
            others=_others(assignment, panel, review),
            editable=application.status == "under_review" and not (review and review.is_submitted),
            **presented,
        ),
        code,
    )


@bp.get("/reviews/assignments/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    return _page(my_assignment(assignment_id))


@bp.post("/reviews/assignments/<int:assignment_id>/declare")
@login_required
def declare(assignment_id: int):
    assignment = my_assignment(assignment_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        conflict = form.conflict.data == "yes"
        message = (
            _("Your conflict of interest is recorded: you are recused from this application.")
            if conflict
            else _("Thank you. You can now read and score the application.")
        )
        if run(
            form,
            review_operations.declare,
            assignment,
            current_user,
            conflict=conflict,
            note=form.note.data,
            message=message,
        ):
            target = "reviews.my_assignments" if conflict else "reviews.assignment"
            args = {} if conflict else {"assignment_id": assignment_id}
            return redirect(url_for(target, **args))
    return _page(my_assignment(assignment_id), declaration=form, code=422)


@bp.post("/reviews/assignments/<int:assignment_id>/review")
@login_required
def save_review(assignment_id: int):
    assignment = my_assignment(assignment_id)
    if not can_open_application(assignment, current_user):
        abort(403)
    _application, _call, _panel, rubric = _context(assignment)
    if rubric is None:
        abort(404)
    form = review_form_class(rubric)()
    submit = request.form.get("action") == "submit"
    if form.validate_on_submit():
        entries = {
            c.id: (form[f"score_{c.id}"].data, form[f"comment_{c.id}"].data or "")
            for c in rubric.criteria
        }
        message = _("Your review is submitted. Thank you.") if submit else _("Your draft is saved.")
        if run(
            form,
            review_operations.save_review,
            assignment,
            rubric,
            current_user,
            entries=entries,
            overall_comment=form.overall_comment.data or "",
            submit=submit,
            message=message,
        ):
            return redirect(url_for("reviews.assignment", assignment_id=assignment_id) + "#scoring")
    return _page(my_assignment(assignment_id), form=form, code=422)


@bp.get("/reviews/assignments/<int:assignment_id>/documents/<int:document_id>")
@records_read
@login_required
def document(assignment_id: int, document_id: int):
    assignment = my_assignment(assignment_id)
    if not can_open_application(assignment, current_user):
        abort(404)
    _application, _call, panel, _rubric = _context(assignment)
    presented = presenter.present(assignment.application_id, bool(panel.blind) if panel else True)
    entry = presenter.file_for(presented, document_id)
    if entry is None:
        abort(404)
    doc = db.session.get(Document, document_id)
    try:
        response = storage_for(doc).download(
            doc.storage_key, filename=entry.name, content_type=doc.content_type
        )
    except FileNotFoundError:
        current_app.logger.error("document %s: object %s missing", doc.id, doc.storage_key)
        abort(404)
    record_download(doc)  # committed at the end of the request (@records_read)
    return response
