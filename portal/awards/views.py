"""Blueprint ``awards``: the award page, terms, risk, schedule and issuing the agreement (and
rendering its PDF again when the job failed or is stuck).

Loaders answer 404 for what the user may not know exists and 403 for people who see an award
but may not change it (e.g. finance officers, grantee members). Decisions and decline letters
are in ``decision_views.py``, signing in ``sign_views.py``, the standard clauses in
``clause_views.py``, the public verification in ``verify_views.py``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications.models import Application
from portal.awards import operations
from portal.awards.amendments import operations as amendment_operations
from portal.awards.forms import (
    CommitmentForm,
    MilestoneForm,
    RefuseApprovalForm,
    TermsForm,
    instrument_choices,
    risk_form_class,
)
from portal.awards.models import Award, CofinanceCommitment, Milestone
from portal.awards.permissions import can_manage, can_view
from portal.core.db import db
from portal.core.views import require, run, run_action

bp = Blueprint("awards", __name__)


@bp.record_once
def _setup(state) -> None:
    from portal.awards.setup import init_app

    init_app(state.app)


# Loaders ------------------------------------------------------------------------------------
def visible_award(award_id: int) -> Award:
    """The award, or 404 for whoever may not see it."""
    award = db.session.get(Award, award_id)
    if award is None or not can_view(award, current_user):
        abort(404)
    return award


def managed_award(award_id: int) -> Award:
    """The award for its grants managers: 404 unless visible, 403 for readers who may not
    change it (finance officers, grantee members)."""
    award = visible_award(award_id)
    require(can_manage(award, current_user))
    return award


def managed_application(application_id: int) -> Application:
    """A submitted application for the managers of its call: 404, or 403 for other staff."""
    application = db.session.get(Application, application_id)
    if application is None or not application.was_submitted:
        abort(404)
    if not can_manage(application.call, current_user):
        abort(404 if not current_user.is_staff else 403)
    return application


def to_award(award: Award, anchor: str = ""):
    return redirect(url_for("awards.award", award_id=award.id) + anchor)


# The award page -----------------------------------------------------------------------------
@bp.get("/awards/<int:award_id>")
@login_required
def award(award_id: int):
    award = visible_award(award_id)
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
        renders=_pending_renders(agreements) if manage else {},
        **amendment_operations.section(award, current_user),
    )


def _pending_renders(agreements) -> dict:
    """Agreement id → its missing PDF (failed, stuck or still being generated), for staff."""
    from portal.awards.regeneration import pending_render

    found = {}
    for agreement in agreements:
        if agreement.document_id is None or (
            agreement.signed_content_hash and agreement.signed_document_id is None
        ):
            found[agreement.id] = pending_render(agreement)
    return found


@bp.route("/awards/<int:award_id>/terms", methods=["GET", "POST"])
@login_required
def terms(award_id: int):
    award = managed_award(award_id)
    form = _terms_form(award)
    commitment_form = CommitmentForm(prefix="c")
    if form.validate_on_submit() and run(
        form,
        operations.update_terms,
        award,
        current_user,
        instrument=form.instrument.data,
        amount=form.amount.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        special_conditions=form.special_conditions.data,
        advance_limit=form.advance_limit.data,
        message=_("The terms were saved."),
    ):
        return redirect(url_for("awards.terms", award_id=award.id))
    return render_template(
        "awards/terms.html", award=award, form=form, commitment_form=commitment_form
    ), (422 if form.errors else 200)


def _terms_form(award: Award) -> TermsForm:
    form = TermsForm(obj=award)
    form.instrument.choices = instrument_choices(
        operations.offered_instruments(award.application.call)
    )
    return form


@bp.post("/awards/<int:award_id>/commitments")
@login_required
def add_commitment(award_id: int):
    award = managed_award(award_id)
    form = CommitmentForm(prefix="c")
    if form.validate_on_submit() and run(
        form,
        operations.add_commitment,
        award,
        current_user,
        contributor_name=form.contributor_name.data,
        nature=form.nature.data,
        counts_as=form.counts_as.data,
        amount=form.amount.data,
        valuation_basis=form.valuation_basis.data or None,
        message=_("The co-finance commitment was added."),
    ):
        return redirect(url_for("awards.terms", award_id=award.id))
    return render_template(
        "awards/terms.html", award=award, form=_terms_form(award), commitment_form=form
    ), 422


@bp.post("/awards/<int:award_id>/commitments/<int:commitment_id>/delete")
@login_required
def remove_commitment(award_id: int, commitment_id: int):
    award = managed_award(award_id)
    commitment = db.session.get(CofinanceCommitment, commitment_id)
    if commitment is None or commitment.award_id != award.id:
        abort(404)
    run_action(
        operations.remove_commitment,
        award,
        current_user,
        commitment,
        message=_("The co-finance commitment was removed."),
    )
    return redirect(url_for("awards.terms", award_id=award.id))


@bp.route("/awards/<int:award_id>/risk", methods=["GET", "POST"])
@login_required
def risk(award_id: int):
    award = managed_award(award_id)
    assessment = operations.risk_of(award)
    form = risk_form_class()(
        data=(assessment.answers | {"notes": assessment.notes}) if assessment else None
    )
    if form.validate_on_submit() and run(
        form,
        operations.assess_risk,
        award,
        current_user,
        {k: form[k].data for k in _risk_keys()},
        form.notes.data,
        message=_("The risk assessment was saved."),
    ):
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
    award = managed_award(award_id)
    run_action(
        operations.accept_risk_conditions,
        award,
        current_user,
        message=_("The proposed conditions were added to the special conditions."),
    )
    return redirect(url_for("awards.risk", award_id=award.id))


@bp.route("/awards/<int:award_id>/milestones", methods=["GET", "POST"])
@login_required
def milestones(award_id: int):
    award = managed_award(award_id)
    form = MilestoneForm()
    if form.validate_on_submit() and run(
        form,
        operations.add_milestone,
        award,
        current_user,
        deliverable=form.deliverable.data,
        verification=form.verification.data,
        due_date=form.due_date.data,
        amount=form.amount.data,
        message=_("The milestone was added."),
    ):
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
    award = managed_award(award_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.award_id != award.id:
        abort(404)
    run_action(
        operations.remove_milestone,
        award,
        current_user,
        milestone,
        message=_("The milestone was removed."),
    )
    return redirect(url_for("awards.milestones", award_id=award.id))


@bp.post("/awards/<int:award_id>/issue")
@login_required
def issue(award_id: int):
    award = managed_award(award_id)
    agreement = run_action(operations.issue_agreement, award, current_user)
    if agreement is None:
        return to_award(award)
    flash(
        _(
            "Agreement %(number)s was issued; the grantee's signatory has been asked to sign.",
            number=agreement.number,
        ),
        "success",
    )
    return to_award(award, "#agreements")


@bp.post("/agreements/<int:agreement_id>/regenerate")
@login_required
def regenerate_agreement(agreement_id: int):
    """A grants manager renders again an agreement PDF whose job failed or is stuck."""
    from portal.awards.models import Agreement
    from portal.awards.regeneration import regenerate

    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    award = managed_award(agreement.award_id)
    run_action(
        regenerate,
        agreement,
        current_user,
        message=_("The agreement's PDF is being generated again."),
    )
    return to_award(award, "#agreements")


# The other routes register themselves on ``bp``.
from portal.awards import (  # noqa: E402, F401
    clause_views,
    decision_views,
    sign_views,
    verify_views,
)
from portal.awards.amendments import sign_views as amendment_sign_views  # noqa: E402, F401
from portal.awards.amendments import views as amendment_views  # noqa: E402, F401
