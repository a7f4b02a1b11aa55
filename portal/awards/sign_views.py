"""Agreement downloads and the signature page (routes on the ``awards`` blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import step_up
from portal.audit.operations import record
from portal.awards import signing
from portal.awards.forms import SignForm
from portal.awards.models import Agreement
from portal.awards.permissions import can_view
from portal.awards.views import bp
from portal.core.db import db
from portal.core.unit_of_work import records_read
from portal.core.views import run
from portal.documents.models import Document


def visible_agreement(agreement_id: int) -> Agreement:
    """The agreement, or 404 for whoever may not see its award."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not can_view(agreement.award, current_user):
        abort(404)
    return agreement


@bp.get("/agreements/<int:agreement_id>/pdf")
@records_read
@login_required
def agreement_pdf(agreement_id: int):
    from portal.documents.operations import download_response

    agreement = visible_agreement(agreement_id)
    signed = request.args.get("signed") == "1"
    document_id = agreement.signed_document_id if signed else agreement.document_id
    document = db.session.get(Document, document_id) if document_id else None
    if document is None:
        abort(404)
    record(
        "agreement.downloaded",
        agreement,
        changes={"signed": signed, "sha256": document.sha256},
        organisation_id=agreement.award.organisation_id,
    )
    return download_response(document)


@bp.route("/agreements/<int:agreement_id>/sign", methods=["GET", "POST"])
@login_required
def sign(agreement_id: int):
    agreement = visible_agreement(agreement_id)
    award = agreement.award
    role = signing.role_for(agreement, current_user)
    form = SignForm()
    if role is None:
        if form.is_submitted():
            flash(signing.refusal(agreement, current_user), "danger")
            return redirect(url_for("awards.award", award_id=award.id)), 303
        # Say why (e.g. "only the designated signatory can sign"), not just "access denied".
        return render_template(
            "errors/403.html", message=signing.refusal(agreement, current_user)
        ), 403
    # Step-up (issue 17): signing asks for the second factor again when its proof is old.
    if form.is_submitted() and (refusal := step_up.confirm_first(back=request.path)):
        return refusal
    if form.validate_on_submit() and run(
        form,
        signing.sign,
        agreement,
        current_user,
        typed_name=form.typed_name.data,
        accepted=form.accept.data,
        password=form.password.data,
        message=_("Thank you: your signature was recorded."),
    ):
        return redirect(url_for("awards.award", award_id=award.id) + "#agreements")
    form.password.data = ""
    return render_template(
        "awards/sign.html",
        agreement=agreement,
        award=award,
        form=form,
        role=role,
        step_up_due=not step_up.recent_enough(),
    ), (422 if form.errors else 200)
