"""An application's reviews side by side, the consensus (chair or grants manager), reopening a
review and the decision (grants managers), and the chair's list of the panel's applications.

The chair is a reviewer: they see submitted reviews only (never a draft), and with a blind
panel never the applicant's identity.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application
from portal.core.db import db
from portal.core.views import run, run_action
from portal.reviews import operations, ranking, scoring
from portal.reviews.consensus import consensus_of, decide, record_consensus
from portal.reviews.constants import RANKED_STATUSES
from portal.reviews.forms import ActionForm, DecisionForm, ReopenForm, consensus_form_class
from portal.reviews.models import Assignment, Review
from portal.reviews.permissions import can_manage_reviews
from portal.reviews.review_operations import reopen, specs
from portal.reviews.views import application_in, bp, consensus_call


@bp.get("/calls/<code>/panel/applications")
@login_required
def panel_applications(code: str):
    call, panel = consensus_call(code)
    result = ranking.build(call, operations.rubric_of(call), panel)
    rows = sorted(result.rows, key=lambda r: r.reference)
    return render_template(
        "reviews/panel_applications.html",
        call=call,
        panel=panel,
        rows=rows,
        ranking=result,
        manager=can_manage_reviews(call, current_user),
    )


def _reviews(application) -> list[tuple[Assignment, Review | None]]:
    assignments = db.session.scalars(
        select(Assignment)
        .where(Assignment.application_id == application.id)
        .options(selectinload(Assignment.reviewer))
        .order_by(Assignment.id)
    ).all()
    reviews = {
        r.assignment_id: r
        for r in db.session.scalars(select(Review).where(Review.application_id == application.id))
    }
    return [(a, reviews.get(a.id)) for a in assignments]


def _aggregate(rubric, pairs) -> scoring.ApplicationScores | None:
    if rubric is None or not rubric.criteria:
        return None
    submitted = [r for _a, r in pairs if r is not None and r.is_submitted]
    return scoring.aggregate(
        specs(rubric),
        [{s.criterion_id: Decimal(s.score) for s in r.scores} for r in submitted],
        rubric.overall_threshold,
    )


def _page(call, panel, application, consensus_form=None, decision_form=None, code: int = 200):
    rubric = operations.rubric_of(call)
    pairs = _reviews(application)
    consensus = consensus_of(application.id)
    if consensus_form is None and rubric is not None:
        consensus_form = consensus_form_class(rubric)(obj=consensus)
        if consensus is not None:
            for s in consensus.scores:
                if f"score_{s.criterion_id}" in consensus_form:
                    consensus_form[f"score_{s.criterion_id}"].data = Decimal(s.score)
    manager = can_manage_reviews(call, current_user)
    decision_form = decision_form or DecisionForm()
    decision_form.set_labels(lambda s: ApplicationStatus(s).label)
    maximum = scoring.max_points(specs(rubric)) if rubric else Decimal(0)
    return (
        render_template(
            "reviews/application_reviews.html",
            call=call,
            panel=panel,
            rubric=rubric,
            application=application,
            pairs=pairs,
            aggregate=_aggregate(rubric, pairs),
            consensus=consensus,
            consensus_form=consensus_form,
            decision_form=decision_form,
            reopen_form=ReopenForm(),
            manager=manager,
            show_identity=manager or not (panel and panel.blind),
            maximum=maximum,
            total_of=lambda points: scoring.rounded(scoring.total_on_100(points, maximum)),
            action_form=ActionForm(),
        ),
        code,
    )


def _reviewed(call, application_id: int):
    """The application, if it passed screening (the chair sees nothing else; 404)."""
    application = application_in(call, application_id)
    if application.status not in RANKED_STATUSES and not can_manage_reviews(call, current_user):
        abort(404)
    return application


@bp.get("/calls/<code>/applications/<int:application_id>/reviews")
@login_required
def application_reviews(code: str, application_id: int):
    call, panel = consensus_call(code)
    application = _reviewed(call, application_id)
    return _page(call, panel, application)


@bp.post("/calls/<code>/applications/<int:application_id>/consensus")
@login_required
def consensus(code: str, application_id: int):
    call, panel = consensus_call(code)
    application = _reviewed(call, application_id)
    rubric = operations.rubric_of(call)
    if rubric is None:
        abort(404)
    form = consensus_form_class(rubric)()
    if form.validate_on_submit() and run(
        form,
        record_consensus,
        application,
        rubric,
        current_user,
        scores={c.id: form[f"score_{c.id}"].data for c in rubric.criteria},
        summary=form.summary.data or "",
        minority_views=form.minority_views.data or "",
        message=_("The consensus is recorded."),
    ):
        return redirect(
            url_for("reviews.application_reviews", code=call.code, application_id=application.id)
        )
    application = db.session.get(Application, application.id)
    return _page(call, panel, application, consensus_form=form, code=422)


@bp.post("/calls/<code>/applications/<int:application_id>/decision")
@login_required
def decision(code: str, application_id: int):
    call, panel = consensus_call(code)
    if not can_manage_reviews(call, current_user):
        abort(403)
    application = application_in(call, application_id)
    form = DecisionForm()
    form.set_labels(lambda s: ApplicationStatus(s).label)
    if form.validate_on_submit() and run(
        form,
        decide,
        application,
        current_user,
        status=form.status.data,
        note=form.note.data or "",
        message=_("The decision is recorded; the applicant can read the evaluation summary."),
    ):
        return redirect(
            url_for("reviews.application_reviews", code=call.code, application_id=application.id)
        )
    application = db.session.get(Application, application.id)
    return _page(call, panel, application, decision_form=form, code=422)


@bp.post("/calls/<code>/reviews/<int:review_id>/reopen")
@login_required
def reopen_review(code: str, review_id: int):
    call, _panel = consensus_call(code)
    if not can_manage_reviews(call, current_user):
        abort(403)
    review = db.session.get(Review, review_id)
    if review is None or review.call_id != call.id:
        abort(404)
    form = ReopenForm()
    if form.validate_on_submit():
        run_action(
            reopen, review, current_user, form.reason.data, message=_("The review is reopened.")
        )
    else:
        for messages in form.errors.values():
            for text in messages:
                flash(text, "danger")
    return redirect(
        url_for("reviews.application_reviews", code=call.code, application_id=review.application_id)
    )
