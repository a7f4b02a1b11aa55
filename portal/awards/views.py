"""Blueprint ``awards``: decisions, terms, risk, schedule, agreements and signatures.

Loaders answer 404 for what the user may not know exists and 403 for people who see an award
but may not change it (e.g. finance officers, grantee members). Signing is in
``sign_views.py``, the public verification in ``verify_views.py``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.applications.models import Application
from portal.awards import agreement as agreement_mod
from portal.awards import letters, operations
from portal.awards.budget_guard import headroom
from portal.awards.forms import (
    CommitmentForm,
    DecisionForm,
    MilestoneForm,
    RefuseApprovalForm,
    TermsForm,
    instrument_choices,
    risk_form_class,
)
from portal.awards.models import Award, CofinanceCommitment, Milestone
from portal.awards.permissions import can_manage, can_view
from portal.calls.views import load_call
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.forms import apply_errors
from portal.core.unit_of_work import records_read

bp = Blueprint("awards", __name__)


@bp.record_once
def _setup(state) -> None:
    from portal.awards.setup import init_app

    init_app(state.app)


# Helpers ------------------------------------------------------------------------------------
def commit() -> None:
    """Commit once, then hand the requested renders to the queue (they need the rows)."""
    db.session.commit()
    agreement_mod.flush_jobs()
    letters.flush_jobs()


def load_award(award_id: int, manage: bool = False) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not can_view(award, current_user):
        abort(404)
    if manage and not can_manage(award, current_user):
        abort(403)
    return award


def managed_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not application.was_submitted:
        abort(404)
    if not can_manage(application.call, current_user):
        abort(404 if not current_user.is_staff else 403)
    return application


def to_award(award: Award, anchor: str = ""):
    return redirect(url_for("awards.award", award_id=award.id) + anchor)


def refused(error: InputError) -> None:
    for messages in error.errors.values():
        for message in messages:
            flash(message, "danger")


# Decisions ----------------------------------------------------------------------------------
@bp.get("/awards/calls/<code>")
@login_required
def call_awards(code: str):
    call = load_call(code)
    if not can_manage(call, current_user):
        abort(404 if not current_user.is_staff else 403)
    applications = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.submitted_dt.is_not(None))
        .order_by(Application.number)
    ).all()
    awards = {
        a.application_id: a
        for a in db.session.scalars(
            select(Award).where(Award.call_id == call.id, Award.status != "rejected")
        )
    }
    return render_template(
        "awards/call.html",
        call=call,
        applications=applications,
        awards=awards,
        room=headroom(db.session, call),
        ranking=_ranking_positions(call),
        decidable=operations.DECIDABLE,
    )


def _ranking_positions(call) -> dict[int, int]:
    """Application id → rank from the reviews package's ranking (empty when unavailable)."""
    try:
        from portal.reviews import operations as review_ops
        from portal.reviews.ranking import build

        ranking = build(call, review_ops.rubric_of(call), review_ops.panel_of(call))
    except Exception:
        return {}
    return {row.id: row.rank for row in ranking.ranked}


@bp.route("/awards/applications/<int:application_id>/decide", methods=["GET", "POST"])
@login_required
def decide(application_id: int):
    application = managed_application(application_id)
    call = application.call
    form = DecisionForm()
    form.instrument.choices = instrument_choices(operations.offered_instruments(call))
    if not form.is_submitted():
        form.amount.data = application.requested_total
    if form.validate_on_submit():
        try:
            award = operations.decide(
                application,
                current_user,
                decision=form.decision.data,
                justification=form.justification.data,
                amount=form.amount.data,
                instrument=form.instrument.data,
            )
        except InputError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            commit()
            if award is None:
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
    return render_template(
        "awards/decide.html",
        application=application,
        call=call,
        form=form,
        room=headroom(db.session, call),
        existing=operations.award_of(application.id),
    ), (422 if form.errors else 200)


@bp.post("/awards/<int:award_id>/approve")
@login_required
def approve(award_id: int):
    award = load_award(award_id, manage=True)
    try:
        operations.approve(award, current_user)
    except InputError as error:
        db.session.rollback()
        refused(error)
        return to_award(award)
    commit()
    flash(_("The award was approved and the applicant informed."), "success")
    return to_award(award)


@bp.post("/awards/<int:award_id>/refuse")
@login_required
def refuse(award_id: int):
    award = load_award(award_id, manage=True)
    form = RefuseApprovalForm()
    try:
        if not form.validate_on_submit():
            raise InputError({"reason": [_("Explain why the award is not approved.")]})
        operations.reject_approval(award, current_user, form.reason.data)
    except InputError as error:
        db.session.rollback()
        refused(error)
        return to_award(award)
    commit()
    flash(_("The award was not approved; its amount is no longer reserved."), "success")
    return redirect(url_for("awards.call_awards", code=award.application.call.code))


# The award page -----------------------------------------------------------------------------
@bp.get("/awards/<int:award_id>")
@login_required
def award(award_id: int):
    award = load_award(award_id)
    manage = can_manage(award, current_user)
    from portal.awards.signing import role_for

    agreements = operations.agreements_of(award)
    current = agreements[0] if agreements else None
    return render_template(
        "awards/award.html",
        award=award,
        application=award.application,
        manage=manage,
        risk=operations.risk_of(award),
        agreements=agreements,
        current=current,
        sign_role=role_for(current, current_user) if current else None,
        issue_problems=operations.issue_problems(award) if manage else [],
        refuse_form=RefuseApprovalForm(),
    )


@bp.route("/awards/<int:award_id>/terms", methods=["GET", "POST"])
@login_required
def terms(award_id: int):
    award = load_award(award_id, manage=True)
    form = TermsForm(obj=award)
    form.instrument.choices = instrument_choices(
        operations.offered_instruments(award.application.call)
    )
    commitment_form = CommitmentForm(prefix="c")
    if form.validate_on_submit():
        try:
            operations.update_terms(
                award,
                current_user,
                instrument=form.instrument.data,
                amount=form.amount.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                special_conditions=form.special_conditions.data,
                advance_limit=form.advance_limit.data,
            )
        except InputError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            commit()
            flash(_("The terms were saved."), "success")
            return redirect(url_for("awards.terms", award_id=award.id))
    return render_template(
        "awards/terms.html", award=award, form=form, commitment_form=commitment_form
    ), (422 if form.errors else 200)


@bp.post("/awards/<int:award_id>/commitments")
@login_required
def add_commitment(award_id: int):
    award = load_award(award_id, manage=True)
    form = CommitmentForm(prefix="c")
    if form.validate_on_submit():
        try:
            operations.add_commitment(
                award,
                current_user,
                contributor_name=form.contributor_name.data,
                nature=form.nature.data,
                counts_as=form.counts_as.data,
                amount=form.amount.data,
                valuation_basis=form.valuation_basis.data or None,
            )
        except InputError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            commit()
            flash(_("The co-finance commitment was added."), "success")
            return redirect(url_for("awards.terms", award_id=award.id))
    terms_form = TermsForm(obj=award)
    terms_form.instrument.choices = instrument_choices(
        operations.offered_instruments(award.application.call)
    )
    return render_template(
        "awards/terms.html", award=award, form=terms_form, commitment_form=form
    ), 422


@bp.post("/awards/<int:award_id>/commitments/<int:commitment_id>/delete")
@login_required
def remove_commitment(award_id: int, commitment_id: int):
    award = load_award(award_id, manage=True)
    commitment = db.session.get(CofinanceCommitment, commitment_id)
    if commitment is None or commitment.award_id != award.id:
        abort(404)
    try:
        operations.remove_commitment(award, current_user, commitment)
    except InputError as error:
        db.session.rollback()
        refused(error)
    else:
        commit()
        flash(_("The co-finance commitment was removed."), "success")
    return redirect(url_for("awards.terms", award_id=award.id))


@bp.route("/awards/<int:award_id>/risk", methods=["GET", "POST"])
@login_required
def risk(award_id: int):
    award = load_award(award_id, manage=True)
    assessment = operations.risk_of(award)
    form = risk_form_class()(
        data=(assessment.answers | {"notes": assessment.notes}) if assessment else None
    )
    if form.validate_on_submit():
        answers = {k: form[k].data for k in _risk_keys()}
        try:
            operations.assess_risk(award, current_user, answers, form.notes.data)
        except InputError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            commit()
            flash(_("The risk assessment was saved."), "success")
            return redirect(url_for("awards.risk", award_id=award.id))
    return render_template(
        "awards/risk.html", award=award, form=form, assessment=assessment, keys=_risk_keys()
    ), (422 if form.errors else 200)


def _risk_keys():
    from portal.awards.constants import RISK_ITEMS

    return list(RISK_ITEMS)


@bp.post("/awards/<int:award_id>/risk/accept")
@login_required
def accept_risk(award_id: int):
    award = load_award(award_id, manage=True)
    try:
        operations.accept_risk_conditions(award, current_user)
    except InputError as error:
        db.session.rollback()
        refused(error)
    else:
        commit()
        flash(_("The proposed conditions were added to the special conditions."), "success")
    return redirect(url_for("awards.risk", award_id=award.id))


@bp.route("/awards/<int:award_id>/milestones", methods=["GET", "POST"])
@login_required
def milestones(award_id: int):
    award = load_award(award_id, manage=True)
    form = MilestoneForm()
    if form.validate_on_submit():
        try:
            operations.add_milestone(
                award,
                current_user,
                deliverable=form.deliverable.data,
                verification=form.verification.data,
                due_date=form.due_date.data,
                amount=form.amount.data,
            )
        except InputError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            commit()
            flash(_("The milestone was added."), "success")
            return redirect(url_for("awards.milestones", award_id=award.id))
    return render_template(
        "awards/milestones.html",
        award=award,
        form=form,
        problems=operations.schedule_problems(award),
    ), (422 if form.errors else 200)


@bp.post("/awards/<int:award_id>/milestones/<int:milestone_id>/delete")
@login_required
def remove_milestone(award_id: int, milestone_id: int):
    award = load_award(award_id, manage=True)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.award_id != award.id:
        abort(404)
    try:
        operations.remove_milestone(award, current_user, milestone)
    except InputError as error:
        db.session.rollback()
        refused(error)
    else:
        commit()
        flash(_("The milestone was removed."), "success")
    return redirect(url_for("awards.milestones", award_id=award.id))


@bp.post("/awards/<int:award_id>/issue")
@login_required
def issue(award_id: int):
    award = load_award(award_id, manage=True)
    try:
        agreement = operations.issue_agreement(award, current_user)
    except InputError as error:
        db.session.rollback()
        refused(error)
        return to_award(award)
    commit()
    flash(
        _(
            "Agreement %(number)s was issued; the grantee's signatory has been asked to sign.",
            number=agreement.number,
        ),
        "success",
    )
    return to_award(award, "#agreements")


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
    if document is None:
        letters.generate(application.id)
        commit()
        document = latest(letters.OWNER_TYPE, application.id, letters.LETTER_SLOT.key)
        if document is None:
            abort(404)
    record_download(document)
    db.session.commit()
    return download_response(document)


# The other routes register themselves on ``bp``.
from portal.awards import clause_views, sign_views, verify_views  # noqa: E402, F401
