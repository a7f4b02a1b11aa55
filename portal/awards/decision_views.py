"""Decisions on a call's applications (award, waitlist, decline), the second approval of a
large award, and the decline letter (routes on the ``awards`` blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only, raiseload

from portal.applications.models import Application
from portal.awards import letters, operations
from portal.awards.budget_guard import headroom
from portal.awards.forms import DecisionForm, RefuseApprovalForm, instrument_choices
from portal.awards.models import Award
from portal.awards.permissions import can_manage
from portal.awards.views import bp, managed_application, managed_award, to_award
from portal.calls.loaders import load_call
from portal.core.db import db
from portal.core.pagination import DEFAULT_PER_PAGE, paginate, requested_page
from portal.core.unit_of_work import records_read
from portal.core.views import run, run_action

# The columns the decisions list shows (a call may have thousands of applications; their
# answers and form snapshots are large JSON documents the list never reads).
LISTED_APPLICATION = (
    Application.call_id,
    Application.organisation_id,
    Application.number,
    Application.reference,
    Application.status,
    Application.requested_total,
    Application.currency,
)
LISTED_AWARD = (Award.application_id, Award.status, Award.amount, Award.currency)
PER_PAGE = DEFAULT_PER_PAGE


# Decisions ----------------------------------------------------------------------------------
@bp.get("/awards/calls/<code>")
@login_required
def call_awards(code: str):
    call = load_call(code, form=False)
    if not can_manage(call, current_user):
        abort(404 if not current_user.is_staff else 403)
    # Only what the rows show: each application's call is ``call`` (found in the identity map,
    # no statement), its organisation joined; the awards' columns alone (their eager
    # relationships would reload the call, its form and the users' roles for every list).
    # A call may have thousands of submitted applications: one page of them, by number.
    applications = paginate(
        select(Application)
        .where(Application.call_id == call.id, Application.submitted_dt.is_not(None))
        .options(
            load_only(*LISTED_APPLICATION, raiseload=True),
            lazyload(Application.call),
            joinedload(Application.organisation).raiseload("*"),
            raiseload("*"),
        )
        .order_by(Application.number, Application.id),
        requested_page(),
        PER_PAGE,
        scalars=True,
    )
    ids = [a.id for a in applications.items]
    awards = {
        a.application_id: a
        for a in db.session.scalars(
            select(Award)
            .where(
                Award.call_id == call.id,
                Award.status != "rejected",
                Award.application_id.in_(ids),
            )
            .options(load_only(*LISTED_AWARD, raiseload=True), raiseload("*"))
        )
    }
    return render_template(
        "awards/call.html",
        call=call,
        applications=applications,
        awards=awards,
        room=headroom(db.session, call),
        ranking=ranking_positions(call, ids),
        decidable=operations.DECIDABLE,
    )


def ranking_positions(call, ids=None) -> dict[int, int]:
    """Application id → rank in the call's ranking, for the applications ``ids`` (None: all),
    read from the maintained score summaries; empty when unavailable."""
    try:
        from portal.reviews import operations as review_ops
        from portal.reviews.ranking_read import positions

        return positions(call, review_ops.rubric_of(call), ids)
    except Exception:
        return {}


@bp.route("/awards/applications/<int:application_id>/decide", methods=["GET", "POST"])
@login_required
def decide(application_id: int):
    application = managed_application(application_id)
    call = application.call
    form = DecisionForm()
    form.instrument.choices = instrument_choices(operations.offered_instruments(call))
    if not form.is_submitted():
        form.amount.data = application.requested_total
    decided = form.validate_on_submit() and run(
        form,
        operations.decide,
        application,
        current_user,
        decision=form.decision.data,
        justification=form.justification.data,
        amount=form.amount.data,
        instrument=form.instrument.data,
    )
    if decided:
        return _decided(decided, call)
    return render_template(
        "awards/decide.html",
        application=application,
        call=call,
        form=form,
        room=headroom(db.session, call),
        existing=operations.award_of(application.id),
    ), (422 if form.errors else 200)


def _decided(award: Award | bool, call):
    """Where a decision leads, and what it says (a waitlist or decline returns no award)."""
    if award is True:
        flash(_("The decision was recorded and the applicant informed."), "success")
        return redirect(url_for("awards.call_awards", code=call.code))
    if award.status == "pending_approval":
        flash(
            _(
                "The award is above the threshold: a second grants manager must "
                "approve it. Its amount is reserved meanwhile."
            ),
            "warning",
        )
    else:
        flash(_("The award was recorded and the applicant informed."), "success")
    return to_award(award)


@bp.post("/awards/<int:award_id>/approve")
@login_required
def approve(award_id: int):
    award = managed_award(award_id)
    run_action(
        operations.approve,
        award,
        current_user,
        message=_("The award was approved and the applicant informed."),
    )
    return to_award(award)


@bp.post("/awards/<int:award_id>/refuse")
@login_required
def refuse(award_id: int):
    award = managed_award(award_id)
    form = RefuseApprovalForm()
    if not form.validate_on_submit():
        flash(_("Explain why the award is not approved."), "danger")
        return to_award(award)
    if not run_action(
        operations.reject_approval,
        award,
        current_user,
        form.reason.data,
        message=_("The award was not approved; its amount is no longer reserved."),
    ):
        return to_award(award)
    return redirect(url_for("awards.call_awards", code=award.application.call.code))


# Decline letters ------------------------------------------------------------------------------
@bp.get("/awards/applications/<int:application_id>/decline-letter")
@records_read
@login_required
def decline_letter(application_id: int):
    from portal.documents.operations import download_response, latest, record_download

    application = db.session.get(Application, application_id)
    if application is None or not letters.can_read_letter(application, current_user):
        abort(404)
    document = latest(letters.OWNER_TYPE, application.id, letters.LETTER_SLOT.key)
    if document is None:  # not generated yet (its job failed or is still queued): now
        letters.generate(application.id)
        document = latest(letters.OWNER_TYPE, application.id, letters.LETTER_SLOT.key)
        if document is None:
            abort(404)
    record_download(document)
    return download_response(document)
